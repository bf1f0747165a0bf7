// Reorder an article's blocks by dragging them; the position fields follow the order.
// Without this script editors type positions by hand, which works the same.
(function () {
  "use strict";
  function renumber(group) {
    var rows = group.querySelectorAll(".inline-related:not(.empty-form)");
    var n = 0;
    rows.forEach(function (row) {
      var input = row.querySelector("input[name$='-position']");
      if (input) { n += 10; input.value = n; }
    });
  }
  function setup(group) {
    var dragged = null;
    group.addEventListener("dragstart", function (event) {
      var handle = event.target.closest && event.target.closest(".inline-related > h3");
      if (!handle) return;
      var row = handle.parentNode;
      dragged = row;
      row.classList.add("masthead-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", "block");
    });
    group.addEventListener("dragover", function (event) {
      if (!dragged) return;
      event.preventDefault();
      var row = event.target.closest(".inline-related:not(.empty-form)");
      if (!row || row === dragged) return;
      var box = row.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      row.parentNode.insertBefore(dragged, after ? row.nextSibling : row);
    });
    group.addEventListener("dragend", function () {
      if (dragged) dragged.classList.remove("masthead-dragging");
      dragged = null;
      renumber(group);
    });
    function arm() {
      group.querySelectorAll(".inline-related:not(.empty-form) > h3").forEach(function (handle) {
        if (handle.getAttribute("draggable")) return;
        handle.setAttribute("draggable", "true");
        handle.title = "Drag to reorder";
      });
    }
    arm();
    document.addEventListener("formset:added", function () { arm(); renumber(group); });
  }
  window.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".masthead-blocks").forEach(setup);
  });
})();
