// The interactive API reference (Swagger UI from npm, served by staticfiles).
document.addEventListener("DOMContentLoaded", () => {
  const node = document.getElementById("swagger-ui");
  if (!node || !window.SwaggerUIBundle) return;
  window.SwaggerUIBundle({
    url: node.dataset.schemaUrl,
    domNode: node,
    deepLinking: true,
    persistAuthorization: false,
    tryItOutEnabled: false,
  });
});
