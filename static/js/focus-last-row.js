// After "Add a department" / "Add a person": focus the first field of the row just added.
// The server marks the list with data-focus-last-row (no inline script: CSP forbids it).
document.addEventListener("DOMContentLoaded", function () {
  var list = document.querySelector("[data-focus-last-row]");
  if (!list) return;
  var rows = list.querySelectorAll(list.getAttribute("data-focus-last-row"));
  if (!rows.length) return;
  var input = rows[rows.length - 1].querySelector("input");
  if (input) input.focus();
});
