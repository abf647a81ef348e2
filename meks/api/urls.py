"""URLs of the REST API: version 1 under /api/v1/, the OpenAPI 3 schema and its interactive documentation."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from .accounts import MeView, OrganizationViewSet
from .appeals import AppealSummaryView, AppealTrackView
from .appeals import router as appeals_router
from .assignments import AssignmentSummaryView, DisciplineRankingView
from .assignments import router as assignments_router
from .auth import TokenObtainView
from .docs import ApiDocsView
from .portfolio import RegionRatingView, SummaryView
from .portfolio import router as portfolio_router
from .territory import RegionViewSet, SettlementViewSet

router = SimpleRouter(trailing_slash=True)
router.register("regions", RegionViewSet, basename="region")
router.register("settlements", SettlementViewSet, basename="settlement")
router.register("organizations", OrganizationViewSet, basename="organization")

v1_patterns = [
    path("auth/token/", TokenObtainView.as_view(), name="auth-token"),
    path("me/", MeView.as_view(), name="me"),
    *router.urls,
    path("portfolio/", include([
        *portfolio_router.urls,
        path("summary/", SummaryView.as_view(), name="portfolio-summary"),
        path("region-rating/", RegionRatingView.as_view(), name="portfolio-region-rating"),
    ])),
    path("assignments/", include([
        *assignments_router.urls,
        path("summary/", AssignmentSummaryView.as_view(), name="assignments-summary"),
        path("ranking/", DisciplineRankingView.as_view(), name="assignments-ranking"),
    ])),
    path("appeals/", include([
        *appeals_router.urls,
        path("track/", AppealTrackView.as_view(), name="appeals-track"),
        path("summary/", AppealSummaryView.as_view(), name="appeals-summary"),
    ])),
    path("finance/", include("meks.api.finance")),
    path("indicators/", include("meks.api.indicators")),
    path("metering/", include("meks.api.metering")),
    path("procurement/", include("meks.api.procurement")),
    path("producers/", include("meks.api.producers")),
]

urlpatterns = [
    path("v1/", include((v1_patterns, "api-v1"))),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
]
