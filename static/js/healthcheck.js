// Joint health check: the radar of both sides (Chart.js) and the progress bars. Data comes from
// json_script blocks and data attributes: the Content-Security-Policy allows no inline script or
// style. The Health checks tab is swapped in by htmx and may load this file again: wire once.
(() => {
  const COLOURS = { us: "#1f3a5f", partner: "#c2410c" };
  const FILLS = { us: "rgba(31, 58, 95, 0.18)", partner: "rgba(194, 65, 12, 0.16)" };

  // "Operational effectiveness" on two lines: a phone's radar keeps its labels whole.
  const wrap = (label, width) => {
    const lines = [];
    label.split(" ").forEach((word) => {
      const last = lines[lines.length - 1];
      if (last && (last + " " + word).length <= width) lines[lines.length - 1] = last + " " + word;
      else lines.push(word);
    });
    return lines;
  };

  const paint = (root) => {
    root.querySelectorAll(".hc-progress .progress-bar[data-progress]").forEach((bar) => {
      bar.style.width = `${Math.min(100, Number(bar.dataset.progress) || 0)}%`;
    });
    if (typeof Chart === "undefined") return;
    root.querySelectorAll("canvas[data-chart='radar']").forEach((canvas) => {
      if (canvas.dataset.drawn) return;
      const source = document.getElementById(canvas.dataset.source);
      if (!source) return;
      const data = JSON.parse(source.textContent);
      canvas.dataset.drawn = "1";
      const narrow = canvas.parentElement.clientWidth < 480;
      new Chart(canvas, {
        type: "radar",
        data: {
          labels: narrow ? data.short : data.labels.map((label) => wrap(label, 16)),
          datasets: data.datasets.map((set) => ({
            label: set.label,
            data: set.data,
            borderColor: COLOURS[set.side],
            backgroundColor: FILLS[set.side],
            pointBackgroundColor: COLOURS[set.side],
            borderWidth: 2,
            pointRadius: 4,
          })),
        },
        options: {
          maintainAspectRatio: false,
          layout: { padding: 4 },
          scales: {
            r: {
              min: 1,
              max: 5,
              ticks: { stepSize: 1, backdropColor: "transparent" },
              pointLabels: { font: { size: narrow ? 12 : 13, weight: "600" } },
            },
          },
          plugins: {
            legend: { position: "bottom" },
            tooltip: {
              callbacks: {
                label: (item) => `${item.dataset.label}: ${Number(item.raw).toFixed(1)} out of 5`,
              },
            },
          },
        },
      });
    });
  };

  const start = () => {
    paint(document);
    if (!window.accordHealthCheck && window.htmx) {
      window.accordHealthCheck = true;
      window.htmx.onLoad(paint);
    }
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
