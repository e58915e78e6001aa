// Keyboard-only entry of paper forms. A box whose value is a complete key (one no other key starts
// with) moves the focus to the next visible box, the last one to the Save button; the group typed hides
// the questions that group is not asked (they are not sent). Enter saves: the browser submits the form.
(function () {
  "use strict";
  const form = document.getElementById("entry-form");
  if (!form) return;
  const data = JSON.parse(document.getElementById("entry-data").textContent);
  const group = form.elements.group;
  const save = document.getElementById("entry-save");

  const keysOf = (input) => (input.dataset.keys || "").split(" ").filter(Boolean);
  const boxes = () => Array.from(form.querySelectorAll("[data-entry]")).filter((box) => !box.disabled);

  function complete(input) {
    const value = input.value.trim();
    const keys = keysOf(input);
    return keys.includes(value) && !keys.some((key) => key !== value && key.startsWith(value));
  }

  function advance(input) {
    const list = boxes();
    const next = list[list.indexOf(input) + 1] || save;
    next.focus();
    if (next.select) next.select();
  }

  function showName(input) {
    const names = data[input.dataset.names] || {};
    const target = document.getElementById(input.getAttribute("aria-describedby"));
    if (target) target.textContent = names[input.value.trim()] || "";
  }

  function applyGroup() {
    const id = data.groups[group.value.trim()];
    form.querySelectorAll("tr[data-groups]").forEach((row) => {
      const asked = !id || row.dataset.groups.split(" ").includes(id);
      row.hidden = !asked;
      row.querySelectorAll("input").forEach((box) => { box.disabled = !asked; });
    });
  }

  form.addEventListener("input", (event) => {
    const input = event.target;
    if (!input.matches("[data-entry]")) return;
    const value = input.value.trim();
    const keys = keysOf(input);
    input.classList.toggle("is-invalid", Boolean(value) && !keys.some((key) => key.startsWith(value)));
    if (input.dataset.names) showName(input);
    if (input === group) applyGroup();
    if (value && complete(input)) advance(input);
  });

  // Typing over a box replaces what it held: the operator never has to clear it first.
  form.addEventListener("focusin", (event) => {
    if (event.target.matches("[data-entry]")) event.target.select();
  });

  applyGroup();
  form.querySelectorAll("[data-names]").forEach(showName);
  const firstError = form.querySelector(".is-invalid");
  if (firstError) { firstError.focus(); firstError.select(); }
})();
