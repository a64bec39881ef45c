// The API docs page: Swagger UI from the vendored bundle, pointed at this app's OpenAPI schema.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("swagger-ui");
    window.SwaggerUIBundle({ url: root.getAttribute("data-schema-url"), domNode: root, deepLinking: true });
  });
})();
