(function () {
  "use strict";
  // Enhances the report: the page is complete without this script. Text reaches the page only
  // through textContent; the data come from the JSON block, never from markup.
  var source = document.getElementById("confmat-data");
  var data = source ? JSON.parse(source.textContent) : {};
  var matrix = document.getElementById("matrix");
  var perClass = document.querySelector("table.per-class");

  function byId(id) { return document.getElementById(id); }

  function text(tag, content) {
    var element = document.createElement(tag);
    element.textContent = content;
    return element;
  }

  function percent(value) {
    return value === null ? "n/a" : (100 * value).toFixed(1) + "%";
  }

  // -- the per-class table: sort by any column --------------------------------------------------
  function sortKey(row, column, numeric) {
    var content = row.cells[column].textContent.trim();
    if (!numeric) { return content.toLowerCase(); }
    var value = parseFloat(content);
    return isNaN(value) ? null : value;
  }

  function sortTable(table, column, header) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var numeric = column > 0;
    var keyed = rows.map(function (row, position) {
      return { row: row, key: sortKey(row, column, numeric), position: position };
    });
    keyed.sort(function (a, b) {
      if (a.key === b.key) { return a.position - b.position; }
      if (a.key === null) { return 1; }  // undefined values last, either way
      if (b.key === null) { return -1; }
      var order = a.key < b.key ? -1 : 1;
      return ascending ? order : -order;
    });
    keyed.forEach(function (item) { body.appendChild(item.row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
      cell.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function makeSortable(table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, column) {
      var button = document.createElement("button");
      button.type = "button";
      while (header.firstChild) { button.appendChild(header.firstChild); }
      header.appendChild(button);
      button.addEventListener("click", function () { sortTable(table, column, header); });
    });
  }

  if (perClass) { makeSortable(perClass); }

  if (!matrix || !data.order) { return; }

  // -- the matrix -------------------------------------------------------------------------------
  var order = data.order;
  var size = order.length;
  var position = {};  // class index -> position in the table
  order.forEach(function (index, k) { position[index] = k; });
  var cells = [];
  Array.prototype.forEach.call(matrix.tBodies[0].rows, function (row) {
    cells.push(Array.prototype.slice.call(row.cells, 1));
  });
  var columnHeads = Array.prototype.slice.call(matrix.tHead.rows[0].cells, 1);
  var mode = data.mode || "counts";  // the view the markup shows (the report's --normalize)
  var selected = null;
  var focused = cells[0][0];
  focused.tabIndex = 0;

  function at(cell) {
    return { i: cell.parentNode.sectionRowIndex, j: cell.cellIndex - 1 };
  }

  function name(k) { return order[k] < 0 ? data.other : data.classes[k]; }

  function shade(code, i, j) {
    if (code === "0") { return "z"; }
    if (code === "n") { return "na"; }
    return (i === j ? "d" : "e") + code;
  }

  function show(newMode) {
    mode = newMode;
    byId("matrix-unit").textContent = data.units[mode];
    var levels = data.shade[mode];
    for (var i = 0; i < size; i++) {
      for (var j = 0; j < size; j++) {
        var cell = cells[i][j];
        var value = mode === "counts" ? null : data[mode][i][j];
        cell.textContent = mode === "counts" ? data.counts[i][j] : value === 0 ? "0" : percent(value);
        cell.className = shade(levels.charAt(i * size + j), i, j);
        if (selected && selected.i === i && selected.j === j) { cell.classList.add("sel"); }
      }
    }
  }

  // -- the selected cell: numbers and kept samples ----------------------------------------------
  var panel = byId("cell");

  function numbers(i, j) {
    return [
      ["count", data.counts[i][j]],
      ["share of true class " + name(i), percent(data.row[i][j])],
      ["share of predicted class " + name(j), percent(data.col[i][j])]
    ];
  }

  function fill(i, j) {
    byId("cell-title").textContent = "true " + name(i) + " \u2192 predicted " + name(j);
    var list = byId("cell-numbers");
    list.textContent = "";
    numbers(i, j).forEach(function (pair) {
      var group = document.createElement("div");
      group.appendChild(text("dt", pair[0]));
      group.appendChild(text("dd", pair[1]));
      list.appendChild(group);
    });
    var box = byId("cell-samples");
    box.textContent = "";
    var group = byId("cell-" + order[i] + "-" + order[j]);
    var figures = group ? group.querySelectorAll("figure") : [];
    Array.prototype.forEach.call(figures, function (figure) {
      box.appendChild(figure.cloneNode(true));
    });
    var note = byId("cell-note");
    if (figures.length) {
      note.textContent = figures.length + " kept sample" + (figures.length > 1 ? "s" : "") +
        " of this cell, highest loss first.";
    } else if (data.counts[i][j] === "0") {
      note.textContent = "No sample falls in this cell.";
    } else {
      note.textContent = "No sample of this cell is in this report (none kept, or left out).";
    }
  }

  function select(i, j, record) {
    if (selected) { cells[selected.i][selected.j].classList.remove("sel"); }
    if (i === null) {
      selected = null;
      panel.hidden = true;
      return;
    }
    selected = { i: i, j: j };
    cells[i][j].classList.add("sel");
    moveFocus(i, j, false);
    fill(i, j);
    panel.hidden = false;
    if (!panel.parentNode.classList.contains("dense")) {  // a dense matrix keeps it in view
      panel.scrollIntoView({ block: "nearest" });
    }
    if (record) {
      history.pushState(null, "", "#cell-" + order[i] + "-" + order[j]);
    }
  }

  function close() {
    if (!selected) { return; }
    cells[selected.i][selected.j].focus();
    select(null, null, false);
    history.pushState(null, "", location.pathname + location.search);
  }

  byId("cell-close").addEventListener("click", close);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { close(); }
  });

  function fromHash() {
    var found = /^#cell-(\d+)-(\d+)$/.exec(location.hash);
    if (found && position[found[1]] !== undefined && position[found[2]] !== undefined) {
      select(position[found[1]], position[found[2]], false);
      panel.scrollIntoView({ block: "nearest" });
    } else {
      select(null, null, false);
    }
  }

  // -- keyboard: a roving focus over the cells --------------------------------------------------
  function moveFocus(i, j, take) {
    focused.tabIndex = -1;
    focused = cells[i][j];
    focused.tabIndex = 0;
    if (take) { focused.focus(); }
  }

  var steps = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };

  function visibleRow(i, step) {
    var k = i + step;
    while (k >= 0 && k < size && cells[k][0].parentNode.hidden) { k += step; }
    return k >= 0 && k < size ? k : i;
  }

  matrix.addEventListener("keydown", function (event) {
    var cell = event.target.closest("td");
    if (!cell) { return; }
    var spot = at(cell);
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      select(spot.i, spot.j, true);
      return;
    }
    var step = steps[event.key];
    if (!step) { return; }
    event.preventDefault();
    var i = step[0] ? visibleRow(spot.i, step[0]) : spot.i;
    var j = Math.min(size - 1, Math.max(0, spot.j + step[1]));
    moveFocus(i, j, true);
  });

  matrix.addEventListener("click", function (event) {
    var cell = event.target.closest("td");
    if (cell) {
      var spot = at(cell);
      select(spot.i, spot.j, true);
    }
  });

  // -- hover: the numbers of a cell -------------------------------------------------------------
  var tip = byId("tip");
  var lit = [];

  function light(i, j) {
    lit.forEach(function (head) { head.classList.remove("hl"); });
    lit = i === null ? [] : [cells[i][0].parentNode.cells[0], columnHeads[j]];
    lit.forEach(function (head) { head.classList.add("hl"); });
  }

  matrix.addEventListener("mousemove", function (event) {
    var cell = event.target.closest("td");
    if (!cell) {
      tip.hidden = true;
      light(null, null);
      return;
    }
    var spot = at(cell);
    tip.textContent = name(spot.i) + " \u2192 " + name(spot.j) + ": " +
      numbers(spot.i, spot.j).map(function (pair) { return pair[0] + " " + pair[1]; }).join(", ");
    tip.hidden = false;
    var left = Math.min(event.clientX + 14, window.innerWidth - tip.offsetWidth - 4);
    tip.style.left = Math.max(0, left) + "px";
    tip.style.top = (event.clientY + 16) + "px";
    light(spot.i, spot.j);
  });

  matrix.addEventListener("mouseleave", function () {
    tip.hidden = true;
    light(null, null);
  });

  // -- the toolbar: views and the class filter --------------------------------------------------
  byId("modes").addEventListener("change", function (event) {
    if (event.target.name === "mode") { show(event.target.value); }
  });

  function filterRows(rows, query, names) {
    var shown = 0;
    Array.prototype.forEach.call(rows, function (row) {
      var match = !query || names(row).some(function (value) {
        return value.toLowerCase().indexOf(query) >= 0;
      });
      row.hidden = !match;
      if (match) { shown += 1; }
    });
    return shown;
  }

  byId("filter").addEventListener("input", function (event) {
    var query = event.target.value.trim().toLowerCase();
    var shown = filterRows(matrix.tBodies[0].rows, query, function (row) {
      return [row.cells[0].textContent];
    });
    if (perClass) {
      filterRows(perClass.tBodies[0].rows, query, function (row) {
        return [row.cells[0].textContent];
      });
    }
    var pairs = document.querySelector("table.pairs");
    if (pairs) {
      filterRows(pairs.tBodies[0].rows, query, function (row) {
        return [row.cells[0].textContent, row.cells[1].textContent];
      });
    }
    byId("filter-note").textContent = query ? shown + " of " + size + " rows of the matrix" : "";
    if (focused.parentNode.hidden) {  // keep the matrix's tab stop on a row that is shown
      var first = visibleRow(-1, 1);
      if (first >= 0) { moveFocus(first, 0, false); }
    }
  });

  byId("toolbar").hidden = false;
  byId("hint").hidden = false;
  window.addEventListener("popstate", fromHash);
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
