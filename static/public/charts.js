/* ParIndex results charts (Chart.js 4, vendored): each <canvas data-chart="kind" data-source="id"> draws the
   JSON in <script id="id" type="application/json">. Numbers follow the page's language (90,30 in Vietnamese). */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var TIERS = ["#1a7f37", "#2f6fb0", "#b54708", "#b42318", "#6e4a9e"];
  var lang = document.documentElement.lang || "vi";
  var number = new Intl.NumberFormat(lang.indexOf("vi") === 0 ? "vi-VN" : "en-GB",
    { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var whole = new Intl.NumberFormat(lang.indexOf("vi") === 0 ? "vi-VN" : "en-GB", { maximumFractionDigits: 0 });
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#343a40";
  Chart.defaults.animation = false;

  // tier 0: an agency not ranked, outside every band: neutral grey
  function tier(t) { return t === 0 ? "#adb5bd" : TIERS[Math.min(Math.max((t || 1) - 1, 0), TIERS.length - 1)]; }
  function read(id) { var el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; }
  function pct(value) { return value === null || value === undefined ? "–" : number.format(value); }
  function sized(canvas, rows) {
    canvas.parentElement.style.height = Math.max(180, rows * 22 + 70) + "px";
  }

  var kinds = {
    /* Indices by agency, one bar per agency coloured by its band. */
    bands: function (canvas, data, labels) {
      var rows = data.agencies;
      sized(canvas, rows.length);
      return new Chart(canvas, {
        type: "bar",
        data: {
          labels: rows.map(function (r) { return r.name; }),
          datasets: [{
            label: labels.index, data: rows.map(function (r) { return r.index; }),
            backgroundColor: rows.map(function (r) { return tier(r.tier); }), barPercentage: 0.8
          }]
        },
        options: {
          indexAxis: "y", maintainAspectRatio: false,
          scales: {
            x: { min: Math.max(0, Math.floor(Math.min.apply(null, rows.map(function (r) { return r.index; })) / 10) * 10 - 10),
                 max: 100, title: { display: true, text: labels.index }, ticks: { callback: function (v) { return whole.format(v); } } },
            y: { ticks: { autoSkip: false } }
          },
          plugins: {
            legend: { display: false },
            tooltip: { callbacks: { label: function (c) { return pct(c.parsed.x) + " · " + rows[c.dataIndex].band; } } }
          }
        }
      });
    },
    /* Distribution per area: lowest–highest as a floating bar, the median as a mark. */
    distribution: function (canvas, data, labels) {
      var areas = data.areas;
      canvas.parentElement.style.height = "320px";
      return new Chart(canvas, {
        data: {
          labels: areas.map(function (a) { return a.code; }),
          datasets: [
            { type: "bar", label: labels.range, data: areas.map(function (a) { return [a.min, a.max]; }),
              backgroundColor: "rgba(47,111,176,.35)", borderColor: "#2f6fb0", borderWidth: 1, barPercentage: 0.6 },
            { type: "line", label: labels.median, data: areas.map(function (a) { return a.median; }),
              showLine: false, pointStyle: "line", pointRadius: 14, pointBorderWidth: 3, borderColor: "#1d2327",
              backgroundColor: "#1d2327" }
          ]
        },
        options: {
          maintainAspectRatio: false,
          scales: { y: { min: 0, max: 100, title: { display: true, text: labels.index },
                         ticks: { callback: function (v) { return whole.format(v); } } },
                    x: { title: { display: true, text: labels.area } } },
          plugins: {
            tooltip: { callbacks: {
              title: function (items) { var a = areas[items[0].dataIndex]; return a.code + ". " + a.title; },
              label: function (c) {
                var a = areas[c.dataIndex];
                return c.datasetIndex === 0 ? labels.range + ": " + pct(a.min) + " – " + pct(a.max)
                                            : labels.median + ": " + pct(a.median);
              } } }
          }
        }
      });
    },
    /* Year-over-year movement: places gained (▲) or lost (▼) since the previous period. */
    movement: function (canvas, data, labels) {
      var rows = data.agencies.filter(function (r) { return r.rank_change !== null; });
      if (!rows.length) { canvas.parentElement.hidden = true; return null; }
      sized(canvas, rows.length);
      return new Chart(canvas, {
        type: "bar",
        data: {
          labels: rows.map(function (r) { return r.name; }),
          datasets: [{ label: labels.change, data: rows.map(function (r) { return r.rank_change; }),
                       backgroundColor: rows.map(function (r) { return r.rank_change >= 0 ? "#1a7f37" : "#b42318"; }) }]
        },
        options: {
          indexAxis: "y", maintainAspectRatio: false,
          scales: { x: { title: { display: true, text: labels.change }, ticks: { precision: 0 } }, y: { ticks: { autoSkip: false } } },
          plugins: { legend: { display: false }, tooltip: { callbacks: { label: function (c) {
            var v = c.parsed.x; return v > 0 ? "▲ " + v : v < 0 ? "▼ " + (-v) : "=";
          } } } }
        }
      });
    },
    /* One agency's area indices beside the block's mean. */
    profile: function (canvas, data, labels) {
      canvas.parentElement.style.height = "300px";
      return new Chart(canvas, {
        type: "bar",
        data: {
          labels: data.areas.map(function (a) { return a.code; }),
          datasets: [
            { label: data.agency, data: data.areas.map(function (a) { return a.value; }), backgroundColor: tier(data.tier) },
            { label: labels.mean, data: data.areas.map(function (a) { return a.mean; }), backgroundColor: "#adb5bd" }
          ]
        },
        options: {
          maintainAspectRatio: false,
          scales: { y: { min: 0, max: 100, title: { display: true, text: labels.index } },
                    x: { title: { display: true, text: labels.area } } },
          plugins: { tooltip: { callbacks: {
            title: function (items) { var a = data.areas[items[0].dataIndex]; return a.code + ". " + a.title; },
            label: function (c) { return c.dataset.label + ": " + pct(c.parsed.y); } } } }
        }
      });
    },
    /* An agency's index over the published periods. */
    trend: function (canvas, data, labels) {
      if (data.points.length < 2) { canvas.parentElement.hidden = true; return null; }
      canvas.parentElement.style.height = "260px";
      return new Chart(canvas, {
        type: "line",
        data: {
          labels: data.points.map(function (p) { return p.period; }),
          datasets: [{ label: labels.index, data: data.points.map(function (p) { return p.index; }),
                       borderColor: "#9b1c1c", backgroundColor: "#9b1c1c", tension: 0 }]
        },
        options: {
          maintainAspectRatio: false,
          scales: { y: { suggestedMin: 50, max: 100, title: { display: true, text: labels.index } } },
          plugins: { legend: { display: false }, tooltip: { callbacks: {
            label: function (c) { var p = data.points[c.dataIndex]; return pct(p.index) + " · " + labels.rank + " " + p.rank; } } } }
        }
      });
    }
  };

  function draw(root) {
    (root || document).querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) { return; }
      var data = read(canvas.dataset.source);
      var labels = read(canvas.dataset.labels || "chart-labels") || {};
      if (data && kinds[canvas.dataset.chart]) {
        kinds[canvas.dataset.chart](canvas, data, labels);
        canvas.dataset.drawn = "1";
      }
    });
  }
  window.ParIndexCharts = { draw: draw };
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", function () { draw(); }); }
  else { draw(); }
})();
