// Portfolio charts (Chart.js). Data comes from json_script blocks: no inline script (CSP).
// The Health tab is swapped in by htmx and may load this file again: wire everything once.
(() => {
  if (window.accordPortfolio) return;
  window.accordPortfolio = true;

  const BAND_COLOURS = {
    healthy: "#198754",
    watch: "#e0a800",
    at_risk: "#dc3545",
    unknown: "#adb5bd",
  };
  const NAVY = "#1f3a5f";

  const money = (currency, value) =>
    currency + Math.round(value).toLocaleString(undefined, { maximumFractionDigits: 0 });
  const compactMoney = (currency, value) =>
    currency +
    new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 }).format(value);

  const charts = {
    bands(canvas, data) {
      return new Chart(canvas, {
        type: "bar",
        data: {
          labels: data.bands.map((b) => b.label),
          datasets: [
            {
              data: data.bands.map((b) => b.count),
              backgroundColor: data.bands.map((b) => BAND_COLOURS[b.band]),
            },
          ],
        },
        options: {
          indexAxis: "y",
          aspectRatio: 2.6,
          plugins: { legend: { display: false } },
          scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
          onClick: (event, elements) => {
            if (elements.length) {
              const band = data.bands[elements[0].index].band;
              window.location.assign(canvas.dataset.bandUrl + "?band=" + band);
            }
          },
        },
      });
    },

    value(canvas, data) {
      return new Chart(canvas, {
        type: "scatter",
        data: {
          datasets: [
            {
              data: data.points,
              pointBackgroundColor: data.points.map((p) =>
                p.x >= data.healthyFrom
                  ? BAND_COLOURS.healthy
                  : p.x < data.atRiskBelow
                    ? BAND_COLOURS.at_risk
                    : BAND_COLOURS.watch,
              ),
              pointRadius: data.points.length > 200 ? 3 : 5,
              pointHoverRadius: 7,
              clip: 8, // a partnership at 100 or at 0 stays whole on the edge
            },
          ],
        },
        options: {
          aspectRatio: 2,
          layout: { padding: { right: 8, top: 8 } },
          plugins: {
            legend: { display: false },
            tooltip: {
              callbacks: {
                label: (item) =>
                  `${item.raw.name}: health ${item.raw.x}, value ${money(data.currency, item.raw.y)}`,
              },
            },
          },
          scales: {
            x: { min: 0, max: 100, title: { display: true, text: "Health" } },
            y: {
              beginAtZero: true,
              // With no value anywhere yet, show a sensible scale rather than fractions of €1.
              suggestedMax: Math.max(...data.points.map((p) => p.y)) > 0 ? undefined : 100000,
              title: { display: true, text: `Value (${data.currency})` },
              ticks: { precision: 0, callback: (value) => compactMoney(data.currency, value) },
            },
          },
          onClick: (event, elements) => {
            if (elements.length) {
              window.location.assign(data.url.replace("{id}", data.points[elements[0].index].id));
            }
          },
          onHover: (event, elements) => {
            event.native.target.style.cursor = elements.length ? "pointer" : "default";
          },
        },
      });
    },

    trend(canvas, data) {
      return new Chart(canvas, {
        type: "line",
        data: {
          labels: data.points.map((p) => p.x),
          datasets: [
            {
              label: "Health",
              data: data.points.map((p) => p.y),
              borderColor: NAVY,
              backgroundColor: NAVY,
              spanGaps: true,
              tension: 0.2,
              pointRadius: data.points.length > 60 ? 0 : 2,
            },
          ],
        },
        options: {
          aspectRatio: 4,
          plugins: { legend: { display: false } },
          scales: {
            y: { min: 0, max: 100 },
            x: {
              ticks: {
                maxRotation: 0,
                autoSkip: true,
                maxTicksLimit: 8,
                callback(value) {
                  const day = new Date(this.getLabelForValue(value));
                  return day.toLocaleDateString(undefined, { day: "numeric", month: "short" });
                },
              },
            },
          },
        },
      });
    },
  };

  function draw(root) {
    if (typeof Chart === "undefined") return;
    root.querySelectorAll("canvas[data-chart]:not([data-drawn])").forEach((canvas) => {
      const source = document.getElementById(canvas.dataset.source);
      const make = charts[canvas.dataset.chart];
      if (!source || !make) return;
      canvas.dataset.drawn = "1";
      make(canvas, JSON.parse(source.textContent));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => draw(document));
  } else {
    draw(document);
  }
  // A tab swapped in by htmx brings its own canvas (and maybe this script, already loaded).
  document.addEventListener("htmx:afterSettle", (event) => draw(event.target));
})();
