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

// A table wider than its box scrolls inside it (.table-responsive, <pre>): the box takes keyboard focus
// so it can be scrolled without a mouse (WCAG 2.1.1; axe scrollable-region-focusable).
(function () {
  "use strict";
  function focusableScrollers(root) {
    var scope = root && root.querySelectorAll ? root : document;
    Array.prototype.forEach.call(scope.querySelectorAll(".table-responsive, pre"), function (box) {
      if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        if (!box.hasAttribute("role")) box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label")) {
          var caption = box.querySelector("caption, h2, h3");
          box.setAttribute("aria-label", caption ? caption.textContent.trim() : document.title);
        }
      }
    });
  }
  if (window.htmx) window.htmx.onLoad(focusableScrollers);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { focusableScrollers(document); });
  else focusableScrollers(document);
  window.addEventListener("resize", function () { focusableScrollers(document); });
})();
