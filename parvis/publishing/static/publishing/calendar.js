// The editorial calendar: drag a post onto another day to move it (same time of day).
// Without a mouse, each post's "Déplacer" link opens the same change as a form.
(function () {
  "use strict";
  function setUp(root) {
    root.querySelectorAll("[data-move-url]").forEach(function (item) {
      item.setAttribute("draggable", "true");
      item.addEventListener("dragstart", function (event) {
        event.dataTransfer.setData("text/plain", item.dataset.moveUrl);
        event.dataTransfer.effectAllowed = "move";
      });
    });
    root.querySelectorAll("[data-day]").forEach(function (cell) {
      cell.addEventListener("dragover", function (event) {
        event.preventDefault();
        cell.classList.add("day--target");
      });
      cell.addEventListener("dragleave", function () {
        cell.classList.remove("day--target");
      });
      cell.addEventListener("drop", function (event) {
        event.preventDefault();
        cell.classList.remove("day--target");
        var url = event.dataTransfer.getData("text/plain");
        if (!url) { return; }
        window.htmx.ajax("POST", url, {
          values: { day: cell.dataset.day, keep_time: "1" },
          target: "#calendar",
          select: "#calendar",
          swap: "outerHTML",
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  document.addEventListener("htmx:afterSwap", function (event) { setUp(event.target); });
})();
