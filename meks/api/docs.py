"""The interactive API documentation, served under the platform's content security policy.

Swagger UI and its assets come from ``drf_spectacular_sidecar`` (static files of this server, no CDN); the
page carries no inline script or style: its start-up script is a separate file (the "split" view) and its
few page styles are a static stylesheet.
"""

from __future__ import annotations

from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
