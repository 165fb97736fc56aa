// Accord's own behaviour. No inline script anywhere: the Content-Security-Policy forbids it.
document.addEventListener("DOMContentLoaded", () => {
  // Confirm destructive actions: <form data-confirm="Remove this contact?">
  document.body.addEventListener("submit", (event) => {
    const message = event.target.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  // Print buttons (<a data-print href="…">): the page itself, as it is; the link is the fallback.
  document.body.addEventListener("click", (event) => {
    if (!event.target.closest("[data-print]")) return;
    event.preventDefault();
    window.print();
  });
  // Filter forms submit as soon as a select changes.
  document.querySelectorAll("form[data-autosubmit] select").forEach((select) => {
    select.addEventListener("change", () => select.form.requestSubmit());
  });
});

// A secret shown once (a new API token): focusing the field selects it, ready to copy.
document.addEventListener("focusin", (event) => {
  if (event.target.matches("[data-select-on-focus]")) event.target.select();
});
