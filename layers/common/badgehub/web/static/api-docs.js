// Starts Swagger UI on the page's OpenAPI document. A file of its own: the page's CSP runs no
// inline script.
"use strict";

window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: root.getAttribute("data-spec"),
    domNode: root,
    // No top bar: the page documents this platform's API and loads no other document.
    layout: "BaseLayout",
    presets: [window.SwaggerUIBundle.presets.apis],
    // Operation paths as plain text, not links nested inside the expand button (axe: nested-interactive).
    deepLinking: false,
    // Read-only: no "Try it out" (use the API, curl or the `badgehub` CLI), so the page never
    // asks for an API key and sends nothing with the visitor's cookies.
    supportedSubmitMethods: [],
    // Never send the document to a third-party validator; never read config from the URL.
    validatorUrl: null,
    queryConfigEnabled: false,
    defaultModelsExpandDepth: 0,
  });
});
