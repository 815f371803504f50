// Renders /api/openapi.json. "Try it out" calls go to this same origin with the session cookie, like the dashboard.
window.SwaggerUIBundle({
  url: "/api/openapi.json",
  dom_id: "#reference",
  deepLinking: true,
  tryItOutEnabled: false,
});
