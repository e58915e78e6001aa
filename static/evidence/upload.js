/* Evidence uploads: drop files on a [data-evidence-drop] form (or choose them and submit), send them
   with XMLHttpRequest showing a <progress>, then put the returned partial in place of the element
   named by the form's data-target. Without JavaScript the form posts normally. */
(function () {
  "use strict";
  if (window.parindexEvidenceUpload) return; // loaded once per page; the guard keeps a second copy harmless
  window.parindexEvidenceUpload = true;

  function dropZone(event) {
    return event.target.closest ? event.target.closest("[data-evidence-drop]") : null;
  }

  function send(form, files) {
    var data = new FormData(form);
    if (files) {
      data.delete("files");
      Array.prototype.forEach.call(files, function (file) { data.append("files", file); });
    }
    var progress = form.querySelector("[data-evidence-progress]");
    var status = form.querySelector("[data-evidence-status]");
    var token = form.querySelector("[name=csrfmiddlewaretoken]");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("HX-Request", "true"); // asks the view for the partial, as htmx would
    if (token) xhr.setRequestHeader("X-CSRFToken", token.value);
    progress.hidden = false;
    progress.value = 0;
    status.textContent = "";
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) progress.value = Math.round((event.loaded / event.total) * 100);
    });
    xhr.addEventListener("load", function () {
      if (xhr.status !== 200) return failed();
      var selector = form.dataset.target;
      var target = (selector && document.querySelector(selector)) || form;
      target.outerHTML = xhr.responseText;
      var swapped = selector && document.querySelector(selector);
      if (swapped && window.htmx) window.htmx.process(swapped); // the partial's remove and reuse buttons
      document.body.dispatchEvent(new CustomEvent("evidence-changed", { bubbles: true }));
    });
    xhr.addEventListener("error", failed);
    xhr.send(data);

    function failed() {
      progress.hidden = true;
      status.textContent = form.dataset.error || "Upload failed.";
    }
  }

  document.addEventListener("dragover", function (event) {
    var zone = dropZone(event);
    if (!zone) return;
    event.preventDefault();
    zone.classList.add("border", "border-primary");
  });
  document.addEventListener("dragleave", function (event) {
    var zone = dropZone(event);
    if (zone && !zone.contains(event.relatedTarget)) zone.classList.remove("border", "border-primary");
  });
  document.addEventListener("drop", function (event) {
    var zone = dropZone(event);
    if (!zone) return;
    event.preventDefault();
    zone.classList.remove("border", "border-primary");
    if (event.dataTransfer && event.dataTransfer.files.length) send(zone, event.dataTransfer.files);
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-evidence-drop]")) return;
    event.preventDefault();
    send(form, null);
  });
})();
