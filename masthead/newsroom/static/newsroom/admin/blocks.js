// Reorder an article's blocks by dragging them; the position fields follow the order.
// Without this script editors type positions by hand, which works the same.
(function () {
  "use strict";
  // A new row nobody filled in stays untouched, so Django still sees it as unchanged
  // and skips it instead of refusing an empty paragraph. A paywall break has nothing to
  // fill in: choosing the kind is the whole block, so it counts as filled.
  function isBlankNewRow(row) {
    var pk = row.querySelector("input[name$='-id']");
    if (pk && pk.value) return false;
    var kind = row.querySelector("select[name$='-kind']");
    if (kind && kind.value === "paywall_break") return false;
    var inputs = row.querySelectorAll("textarea, input[type=text], input[type=file], select[name$='-video']");
    return Array.prototype.every.call(inputs, function (input) { return !input.value; });
  }

  function renumber(group) {
    var rows = group.querySelectorAll(".inline-related:not(.empty-form)");
    var n = 0;
    rows.forEach(function (row) {
      var input = row.querySelector("input[name$='-position']");
      if (!input || isBlankNewRow(row)) return;
      n += 10;
      input.value = n;
    });
  }

  // Which fields each kind of block uses; the others are hidden to keep the form short.
  var FIELDS = {
    paragraph: ["text"],
    subheading: ["text"],
    pull_quote: ["text", "attribution"],
    image: ["image", "alt", "caption", "credit"],
    video: ["video"],
    paywall_break: []
  };
  var OPTIONAL = ["text", "attribution", "image", "alt", "caption", "credit", "video"];

  function fieldsOf(node) {
    return Array.prototype.filter.call(node.classList, function (name) {
      return name.indexOf("field-") === 0;
    }).map(function (name) { return name.slice(6); });
  }

  function showFieldsFor(row) {
    var select = row.querySelector("select[name$='-kind']");
    if (!select) return;
    var wanted = FIELDS[select.value] || OPTIONAL;
    row.querySelectorAll(".form-row, .fieldBox").forEach(function (node) {
      var names = fieldsOf(node).filter(function (n) { return OPTIONAL.indexOf(n) !== -1; });
      if (!names.length) return;
      // style, not the hidden attribute: the admin CSS sets display on these rows.
      node.style.display = names.some(function (n) { return wanted.indexOf(n) !== -1; }) ? "" : "none";
    });
  }

  function setup(group) {
    group.addEventListener("change", function (event) {
      if (event.target.matches("select[name$='-kind']")) {
        showFieldsFor(event.target.closest(".inline-related"));
      }
    });
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
    function refresh() {
      arm();
      group.querySelectorAll(".inline-related:not(.empty-form)").forEach(showFieldsFor);
    }
    refresh();
    document.addEventListener("formset:added", refresh);
    // Positions follow the order on screen when the article is saved.
    var form = group.closest("form");
    if (form) form.addEventListener("submit", function () { renumber(group); });
  }
  window.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".masthead-blocks").forEach(setup);
  });
})();
