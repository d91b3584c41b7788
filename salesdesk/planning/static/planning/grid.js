// The planning grid: a spreadsheet-like table of targets.
// Enter, Tab or leaving a changed cell saves it (an htmx POST carrying the target's version); the answer
// replaces the cell's row and the footer. Arrow keys and Enter move between cells, Esc undoes.
// Saves go one at a time, so a row is never drawn from an older answer than the one before.
(function () {
  "use strict";

  var grid = document.getElementById("planning-grid");
  if (!grid) return;

  var queue = Promise.resolve();
  var pending = {}; // cell id -> value sent and not yet answered

  function headers() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    } catch (error) {
      return {};
    }
  }

  function isCell(element) {
    return element instanceof HTMLInputElement && element.classList.contains("grid-cell");
  }

  function save(input) {
    var value = input.value.trim();
    if (value === input.dataset.original) return;
    var rowId = input.closest("tr").id;
    var values = {
      owner: input.dataset.owner,
      period: input.dataset.period,
      goal: value,
      version: input.dataset.version,
    };
    var id = input.id;
    input.dataset.original = value; // a blur after Enter must not save twice
    pending[id] = value;
    input.classList.add("is-saving");
    queue = queue
      .then(function () {
        // The row as it is now: an earlier answer may have redrawn it, and htmx sends nothing
        // for an element that has left the page.
        var row = document.getElementById(rowId);
        if (!row) return null;
        return htmx.ajax("POST", grid.dataset.cellUrl, {
          source: row,
          target: row,
          swap: "outerHTML",
          headers: headers(),
          values: values,
        });
      })
      .catch(function () {})
      .then(function () {
        delete pending[id];
      });
  }

  // Answers to refused writes (403, stale 409, 422) carry the row with its message: show them.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (grid.contains(event.detail.target) && (status === 403 || status === 409 || status === 422)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // A row being replaced may hold the cell the user is typing in, or cells whose save is still
  // queued: carry their text, focus and caret over to the new row.
  var carried = null;
  var swapping = false; // Chrome blurs a focused cell as its row is removed: that is no "leave"
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (!grid.contains(event.detail.target)) return;
    swapping = true;
    var active = document.activeElement;
    carried = { values: {}, focus: null };
    event.detail.target.querySelectorAll("input.grid-cell").forEach(function (input) {
      if (input === active) {
        carried.focus = {
          id: input.id,
          value: input.value,
          dirty: input.value.trim() !== input.dataset.original,
          start: input.selectionStart,
          end: input.selectionEnd,
        };
      } else if (Object.prototype.hasOwnProperty.call(pending, input.id)) {
        carried.values[input.id] = input.value;
      }
    });
  });
  document.body.addEventListener("htmx:afterSwap", function () {
    swapping = false;
    if (!carried) return;
    Object.keys(carried.values).forEach(function (id) {
      var input = document.getElementById(id);
      if (input && Object.prototype.hasOwnProperty.call(pending, id)) input.value = carried.values[id];
    });
    var focus = carried.focus;
    carried = null;
    if (!focus) return;
    var input = document.getElementById(focus.id);
    if (!input) return;
    if (focus.dirty) input.value = focus.value;
    input.focus();
    try {
      input.setSelectionRange(focus.start, focus.end);
    } catch (error) {
      /* inputmode inputs always allow it; older browsers may not */
    }
  });

  // Cells move with the arrow keys; so do the split panel's weight / amount inputs in the last
  // column (Enter in those submits the split).
  var NAVIGABLE = "input.grid-cell, input.grid-part";

  function isNavigable(element) {
    return element instanceof HTMLInputElement && grid.contains(element) && element.matches(NAVIGABLE);
  }

  function cellsOf(row) {
    return Array.prototype.slice.call(row.querySelectorAll(NAVIGABLE));
  }

  function columnOf(input) {
    return input.closest("td").cellIndex;
  }

  function vertical(input, step) {
    var column = columnOf(input);
    var row = input.closest("tr");
    var rows = Array.prototype.slice.call(grid.tBodies[0].rows);
    for (var i = rows.indexOf(row) + step; i >= 0 && i < rows.length; i += step) {
      var cell = rows[i].cells[column];
      var target = cell && cell.querySelector(NAVIGABLE);
      if (target) return target;
    }
    return null;
  }

  function horizontal(input, step) {
    var cells = cellsOf(input.closest("tr"));
    return cells[cells.indexOf(input) + step] || null;
  }

  function move(target) {
    if (!target) return;
    target.focus();
    target.select();
  }

  grid.addEventListener("focusin", function (event) {
    if (isNavigable(event.target)) event.target.select();
  });

  // Leaving a cell saves it (Tab, the arrows, a click elsewhere). Not "change": a cell redrawn
  // while the user typed in it gets their text back, and "change" would not fire for that.
  grid.addEventListener("focusout", function (event) {
    if (isCell(event.target) && !swapping && document.body.contains(event.target)) save(event.target);
  });

  grid.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!isNavigable(input) || event.altKey || event.ctrlKey || event.metaKey) return;
    var cell = isCell(input);
    var atStart = input.selectionStart === 0 && input.selectionEnd === 0;
    var atEnd = input.selectionStart === input.value.length;
    var all = input.selectionStart === 0 && input.selectionEnd === input.value.length;
    switch (event.key) {
      case "Enter":
        if (!cell) break; // a split part: Enter submits the split form
        event.preventDefault();
        save(input);
        move(vertical(input, event.shiftKey ? -1 : 1));
        break;
      case "Escape":
        if (!cell) break;
        input.value = input.dataset.original;
        input.select();
        break;
      case "ArrowUp":
        event.preventDefault();
        move(vertical(input, -1));
        break;
      case "ArrowDown":
        event.preventDefault();
        move(vertical(input, 1));
        break;
      case "ArrowLeft":
        if (atStart || all) {
          event.preventDefault();
          move(horizontal(input, -1));
        }
        break;
      case "ArrowRight":
        if (atEnd || all) {
          event.preventDefault();
          move(horizontal(input, 1));
        }
        break;
      default:
        break;
    }
  });

  // The split panel: show the inputs the chosen split and method use.
  var form = document.getElementById("split-form");
  if (!form) return;
  function showSplitInputs() {
    var into = form.elements.into.value;
    var method = form.elements.method.value;
    var typed = method === "potential" || method === "manual";
    document.querySelectorAll("[data-split-parts]").forEach(function (element) {
      element.hidden = !(typed && element.getAttribute("data-split-parts") === into);
    });
    document.querySelectorAll("[data-split-method-only]").forEach(function (element) {
      element.hidden = element.getAttribute("data-split-method-only") !== method;
    });
    var help = form.querySelector("[data-split-help]");
    if (help) help.hidden = !typed;
  }
  form.addEventListener("change", showSplitInputs);
  document.body.addEventListener("htmx:afterSwap", showSplitInputs);
  showSplitInputs();
})();
