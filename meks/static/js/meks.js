// Small behaviours of the platform's pages; loaded as a file because the content security policy
// allows no inline script.
(function () {
  "use strict";
  // Send the CSRF token with every htmx request.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector('meta[name="csrf-token"]');
    if (token) { event.detail.headers["X-CSRFToken"] = token.getAttribute("content"); }
  });
  // Move focus to the error summary when a form comes back with errors (GOV.UK pattern).
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
})();
