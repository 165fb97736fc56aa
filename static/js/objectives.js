// Objectives: progress bars take their width from data-progress, because the
// Content-Security-Policy forbids inline style attributes.
(() => {
  const paint = (root) => {
    root.querySelectorAll(".progress-bar[data-progress]").forEach((bar) => {
      bar.style.width = `${Number(bar.dataset.progress) || 0}%`;
    });
  };
  // Loaded again when htmx swaps a tab in: paint what is there, and register only once.
  paint(document);
  if (!window.accordObjectives && window.htmx) {
    window.accordObjectives = true;
    window.htmx.onLoad(paint);
  }
})();
