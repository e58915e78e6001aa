// Behaviour the templates declare with data- attributes, so no page needs inline script or style
// (the Content-Security-Policy allows neither).
(function () {
  "use strict";

  // <select data-submit-on-change>: choosing an option submits its form.
  document.addEventListener("change", function (event) {
    var select = event.target.closest && event.target.closest("[data-submit-on-change]");
    if (select && select.form) select.form.submit();
  });

  // <button data-confirm="…">: asks first; cancelling stops the submission.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-confirm], input[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
  });

  // Sizes computed on the server: data-width (percent) and data-indent (rem) set through the CSSOM,
  // which the policy allows, also on content htmx swaps in later.
  function applySizes(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var nodes = Array.prototype.slice.call(scope.querySelectorAll("[data-width], [data-indent]"));
    if (scope.matches && scope.matches("[data-width], [data-indent]")) nodes.push(scope);
    nodes.forEach(function (node) {
      if (node.dataset.width !== undefined) node.style.width = node.dataset.width + "%";
      if (node.dataset.indent !== undefined) node.style.paddingLeft = node.dataset.indent + "rem";
    });
  }

  if (window.htmx) {
    window.htmx.onLoad(applySizes);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { applySizes(document); });
  } else {
    applySizes(document);
  }
})();
