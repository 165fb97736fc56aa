// Notices and the calendar feed page. No inline script: the Content-Security-Policy forbids it.
document.addEventListener("DOMContentLoaded", () => {
  // <button data-copy="#feed-url">: copy that field's value.
  document.querySelectorAll("[data-copy]").forEach((button) => {
    button.addEventListener("click", async () => {
      const field = document.querySelector(button.dataset.copy);
      field.select();
      try {
        await navigator.clipboard.writeText(field.value);
        button.textContent = "Copied";
      } catch {
        button.textContent = "Press Ctrl+C";
      }
    });
  });
});
