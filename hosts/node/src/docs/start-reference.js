// Starts Swagger UI on the page of GET /docs with the server's own openapi.yaml. It is a file,
// not an inline script, so the page's Content-Security-Policy can forbid inline scripts.
window.addEventListener("load", () => {
  window.ui = SwaggerUIBundle({
    url: "/openapi.yaml",
    dom_id: "#reference",
    deepLinking: true,
    // The reference is read-only: "Try it out" would send requests with the reader's session.
    supportedSubmitMethods: [],
    // Swagger UI would otherwise ask a public service to check the document.
    validatorUrl: null,
  });
});
