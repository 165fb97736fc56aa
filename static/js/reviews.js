// Performance and reviews: the KPI trend chart, the decision form's parts, the print button.
// No inline script (CSP): chart data comes from a json_script block named by data-chart.
(() => {
  const css = (name, fallback) =>
    getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

  const drawCharts = (root) => {
    if (!window.Chart) return;
    root.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
      const source = document.getElementById(canvas.dataset.chart);
      if (!source) return;
      const data = JSON.parse(source.textContent);
      const existing = window.Chart.getChart(canvas);
      if (existing) existing.destroy();
      const flat = (value) => data.labels.map(() => value);
      const datasets = [
        {
          label: data.name,
          data: data.values,
          borderColor: css("--accord-navy", "#1f3a5f"),
          backgroundColor: "rgba(31, 58, 95, 0.08)",
          fill: true,
          tension: 0.25,
          pointRadius: data.values.length > 60 ? 0 : 2.5,
        },
        {
          label: "Target",
          data: flat(data.target),
          borderColor: "#198754",
          borderDash: [6, 4],
          pointRadius: 0,
          fill: false,
        },
      ];
      if (data.red_flag !== null) {
        datasets.push({
          label: "Red flag",
          data: flat(data.red_flag),
          borderColor: "#dc3545",
          borderDash: [2, 3],
          pointRadius: 0,
          fill: false,
        });
      }
      const unit = data.unit ? ` ${data.unit}` : "";
      new window.Chart(canvas, {
        type: "line",
        data: { labels: data.labels, datasets },
        options: {
          aspectRatio: window.innerWidth < 768 ? 1.6 : 3.2,
          animation: false,
          interaction: { mode: "index", intersect: false },
          plugins: {
            legend: { position: "bottom" },
            tooltip: {
              callbacks: {
                label: (ctx) => `${ctx.dataset.label}: ${ctx.formattedValue}${unit}`,
              },
            },
          },
          scales: { x: { ticks: { maxTicksLimit: 12 } } },
        },
      });
    });
  };

  // The decision form shows the fields of what the decision becomes, and only those.
  const wireDecisionForms = (root) => {
    root.querySelectorAll("form").forEach((form) => {
      const parts = form.querySelectorAll(".decision-part[data-kind]");
      if (!parts.length || form.dataset.reviewsWired) return;
      form.dataset.reviewsWired = "1";
      const sync = () => {
        const chosen = form.querySelector("input[name=kind]:checked");
        parts.forEach((part) => {
          part.hidden = !chosen || chosen.value !== part.dataset.kind;
        });
      };
      form.addEventListener("change", (event) => {
        if (event.target.name === "kind") sync();
      });
      sync();
    });
  };

  const init = (root) => {
    drawCharts(root);
    wireDecisionForms(root);
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => init(document));
  } else {
    init(document);
  }

  if (window.accordReviews) return;
  window.accordReviews = true;
  if (window.htmx) window.htmx.onLoad(init);
})();
