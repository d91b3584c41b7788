// Kanban drag and drop: HTML5 drag events post the move with htmx; the answer swaps the two
// columns (out of band). Each card also has a stage <select> and a Move button for the keyboard.
(function () {
  "use strict";

  function headers() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    } catch (error) {
      return {};
    }
  }

  function column(event) {
    return event.target instanceof Element ? event.target.closest("[data-drop-stage]") : null;
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target instanceof Element ? event.target.closest("[data-card]") : null;
    if (!card) return;
    event.dataTransfer.setData("text/plain", card.id);
    event.dataTransfer.effectAllowed = "move";
    card.classList.add("opacity-50");
  });

  document.addEventListener("dragend", function (event) {
    if (event.target instanceof Element) event.target.classList.remove("opacity-50");
  });

  document.addEventListener("dragover", function (event) {
    var target = column(event);
    if (!target) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    target.classList.add("border-primary");
  });

  document.addEventListener("dragleave", function (event) {
    var target = column(event);
    if (target && !target.contains(event.relatedTarget)) target.classList.remove("border-primary");
  });

  document.addEventListener("drop", function (event) {
    var target = column(event);
    if (!target) return;
    event.preventDefault();
    target.classList.remove("border-primary");
    var card = document.getElementById(event.dataTransfer.getData("text/plain"));
    if (!card || card.dataset.stage === target.dataset.dropStage) return;
    htmx.ajax("POST", card.dataset.moveUrl, {
      source: card,
      swap: "none",
      headers: headers(),
      values: { stage: target.dataset.dropStage, version: card.dataset.version },
    });
  });
})();
