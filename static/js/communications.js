// Communication pages: the quick-log modal and the print button. No inline script (CSP).
// Tabs are swapped in by htmx and may load this file again: wire everything once.
(() => {
  if (window.accordCommunications) return;
  window.accordCommunications = true;

  const LOADING =
    '<div class="modal-header"><h2 class="modal-title h5" id="quick-log-title">Log a check-in</h2>' +
    '<button type="button" class="btn-close" data-bs-dismiss="modal" aria-label="Close"></button></div>' +
    '<div class="modal-body"><p class="text-body-secondary mb-0">Loading the form…</p></div>';

  // Once the form (or the form with its errors) is in the modal, put the cursor where it helps.
  document.addEventListener("htmx:afterSwap", (event) => {
    const target = event.detail.target;
    if (!target || target.id !== "quick-log-content") return;
    const field =
      target.querySelector(".is-invalid") || target.querySelector("textarea, input:not([type=hidden])");
    if (field) field.focus();
  });

  // A closed modal forgets its form, so the next "Log check-in" starts afresh.
  document.addEventListener("hidden.bs.modal", (event) => {
    if (event.target.id !== "quick-log") return;
    const content = event.target.querySelector("#quick-log-content");
    if (content) content.innerHTML = LOADING;
  });

  // A server error inside the modal must not leave it spinning silently.
  document.addEventListener("htmx:responseError", (event) => {
    const target = event.detail.target;
    if (!target || target.id !== "quick-log-content") return;
    const body = target.querySelector(".modal-body") || target;
    const alert = document.createElement("div");
    alert.className = "alert alert-danger mt-2";
    alert.setAttribute("role", "alert");
    alert.textContent = "The check-in could not be saved. Nothing was lost: try again in a moment.";
    body.prepend(alert);
  });
})();
