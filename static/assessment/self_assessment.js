// Self-assessment page: an expired session keeps the typed text and says so; "save mine" after a conflict;
// an autosave that never got its answer (connection reset, server restarting, 5xx) is said in its leaf
// and sent again, so no leaf keeps an old "Saved at" tick over a value the server may not have.
(function () {
  "use strict";
  // The texts come translated from the page (<template id="autosave-failure">), with the retry delays.
  var texts = document.getElementById("autosave-failure");
  var delays = texts ? texts.getAttribute("data-delays").split(" ").map(Number) : [];
  var failing = {}; // leaf form id -> {count: failed attempts in a row, timer: the pending retry}

  function leafForm(elt) {
    return elt && elt.closest ? elt.closest("form.leaf-form") : null;
  }

  // Replaces the leaf's message (never the form, so the typed value stays); a new role="alert" element
  // is announced, and the same warning is not announced again at every attempt.
  function say(formId, when) {
    var id = "message-" + formId.slice("leaf-".length);
    var old = document.getElementById(id);
    if (!old || old.getAttribute("data-when") === when) return;
    var message = document.createElement("div");
    message.id = id;
    message.setAttribute("role", "alert");
    message.setAttribute("data-when", when);
    message.className = "small mt-1 alert py-1 px-2 mb-0 " + (when === "failed" ? "alert-danger" : "alert-warning");
    var source = texts.content.querySelector('[data-when="' + when + '"]');
    Array.prototype.forEach.call(source.childNodes, function (node) {
      message.appendChild(node.cloneNode(true));
    });
    old.replaceWith(message);
  }

  function resend(formId) {
    var form = document.getElementById(formId); // looked up again: "take the saved version" replaces it
    if (form) htmx.trigger(form, "submit"); // the form as it is now: what the user typed, never older
  }

  function failed(form, when) {
    if (!texts) return;
    var state = failing[form.id] || (failing[form.id] = { count: 0, timer: null });
    clearTimeout(state.timer);
    state.timer = null;
    if (state.count < delays.length) {
      say(form.id, when);
      state.timer = setTimeout(function () {
        state.timer = null;
        resend(form.id);
      }, delays[state.count]);
      state.count += 1;
    } else {
      say(form.id, "failed");
    }
  }

  document.body.addEventListener("htmx:sendError", function (event) {
    var form = leafForm(event.detail.elt);
    if (form) failed(form, "network");
  });
  document.body.addEventListener("htmx:timeout", function (event) {
    var form = leafForm(event.detail.elt);
    if (form) failed(form, "network");
  });
  document.body.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    if (status === 401 || status === 403) {
      document.getElementById("session-expired").classList.remove("d-none");
      window.scrollTo({ top: 0, behavior: "smooth" });
      return;
    }
    var form = leafForm(event.detail.elt);
    if (form && (status === 0 || status >= 500)) failed(form, status === 0 ? "network" : "server");
  });
  // A request of the leaf leaves (typing again): a pending retry would only repeat it.
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var form = leafForm(event.detail.elt);
    var state = form && failing[form.id];
    if (state && state.timer) {
      clearTimeout(state.timer);
      state.timer = null;
    }
  });
  // Any answer of the application (saved, refused, conflict) ends the failure; its fragments replace
  // the warning out of band.
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var form = leafForm(event.detail.elt);
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (form && status > 0 && status < 500) delete failing[form.id];
  });
  // Answers can arrive in another order than their saves committed. Each fragment says how recent it is
  // (data-as-of: the count of the agency's changes it depicts); one older than what the page shows there
  // is not swapped in. Equal counts depict the same moment: swapped (a refusal after a save is shown).
  // No fragment holds another dated one (the totals are sent row by row), so each is judged alone.
  function asOf(elt) {
    var value = elt && elt.getAttribute ? elt.getAttribute("data-as-of") : null;
    return value === null || value === "" ? null : Number(value);
  }
  document.body.addEventListener("htmx:oobBeforeSwap", function (event) {
    var incoming = asOf(event.detail.fragment.firstElementChild);
    var shown = asOf(event.detail.target);
    if (incoming !== null && shown !== null && incoming < shown) event.detail.shouldSwap = false;
  });
  // Leaving the page while a leaf is not saved would lose what was typed there.
  window.addEventListener("beforeunload", function (event) {
    if (Object.keys(failing).length) event.preventDefault();
  });

  document.body.addEventListener("click", function (event) {
    var again = event.target.closest("[data-autosave-retry]");
    if (again) {
      var form = leafForm(again);
      failing[form.id] = { count: 0, timer: null }; // a new round of retries if it fails again
      again.disabled = true;
      resend(form.id);
      return;
    }
    var button = event.target.closest("[data-keep-mine]");
    if (!button) return;
    var id = button.getAttribute("data-keep-mine");
    document.getElementById("version-" + id).value = button.getAttribute("data-version");
    htmx.trigger(document.getElementById("leaf-" + id), "submit");
  });
})();
