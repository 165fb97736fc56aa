// Accord's own behaviour. No inline script anywhere: the Content-Security-Policy forbids it.
document.addEventListener("DOMContentLoaded", () => {
  // Confirm destructive actions: <form data-confirm="Remove this contact?">
  document.body.addEventListener("submit", (event) => {
    const message = event.target.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  // Filter forms submit as soon as a select changes.
  document.querySelectorAll("form[data-autosubmit] select").forEach((select) => {
    select.addEventListener("change", () => select.form.requestSubmit());
  });
});
