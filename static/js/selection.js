// Selection: score bars and the comparison chart. No inline script or style: the
// Content-Security-Policy forbids both, so widths and chart data come from data attributes
// and json_script blocks.
(() => {
  const COLOURS = ["#1f3a5f", "#3d8bfd", "#20c997"];

  const paint = (root) => {
    root.querySelectorAll(".progress-bar[data-progress]").forEach((bar) => {
      bar.style.width = `${Number(bar.dataset.progress) || 0}%`;
    });
    root.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
      const source = document.getElementById(canvas.dataset.chart);
      if (!source || !window.Chart || window.Chart.getChart(canvas)) {
        return;
      }
      const data = JSON.parse(source.textContent);
      data.datasets.forEach((set, i) => {
        set.backgroundColor = COLOURS[i % COLOURS.length];
        set.borderRadius = 3;
      });
      new window.Chart(canvas, {
        type: "bar",
        data,
        options: {
          animation: false,
          scales: { y: { min: 0, max: 100, title: { display: true, text: "Score (0–100)" } } },
          plugins: { legend: { position: "bottom" } },
        },
      });
    });
  };

  paint(document);
  if (!window.accordSelection && window.htmx) {
    window.accordSelection = true;
    window.htmx.onLoad(paint);
  }
})();
