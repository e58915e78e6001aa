// Self-assessment page: an expired session keeps the typed text and says so; "save mine" after a conflict.
(function () {
  document.body.addEventListener("htmx:responseError", function (event) {
    if (event.detail.xhr.status === 401 || event.detail.xhr.status === 403) {
      document.getElementById("session-expired").classList.remove("d-none");
      window.scrollTo({ top: 0, behavior: "smooth" });
    }
  });
  document.body.addEventListener("click", function (event) {
    var button = event.target.closest("[data-keep-mine]");
    if (!button) return;
    var id = button.getAttribute("data-keep-mine");
    document.getElementById("version-" + id).value = button.getAttribute("data-version");
    htmx.trigger(document.getElementById("leaf-" + id), "submit");
  });
})();
