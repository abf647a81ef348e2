"""The platform's URLs: pages by domain, the REST API under /api/v1/, the admin, the health check."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from meks.core.views import healthz

admin.site.site_header = _("MEKS back office")
admin.site.site_title = _("MEKS back office")
admin.site.index_title = _("Reference data and accounts")

urlpatterns = [
    path("", include("meks.core.urls")),
    path("accounts/", include("meks.accounts.urls")),
    path("territory/", include("meks.territory.urls")),
    path("portfolio/", include("meks.portfolio.urls")),
    path("portfolio/", include("meks.portfolio.urls_excel")),
    path("assignments/", include("meks.assignments.urls_reports")),
    path("assignments/", include("meks.assignments.urls")),
    path("appeals/", include("meks.appeals.urls")),
    path("appeal/", include("meks.appeals.urls_public")),
    path("finance/", include("meks.finance.urls")),
    path("indicators/", include("meks.indicators.urls")),
    path("metering/", include("meks.metering.urls")),
    path("procurement/", include("meks.procurement.urls")),
    path("producers/", include("meks.producers.urls")),
    path("portal/", include("meks.portal.urls")),
    path("opendata/", include("meks.opendata.urls")),
    path("reports/", include("meks.reports.urls")),
    path("api/", include("meks.api.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]

handler404 = "meks.api.errors.not_found"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
