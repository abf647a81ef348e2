"""REST API of indicators and regional analytics (mounted under /api/v1/indicators/)."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter(trailing_slash=True)

urlpatterns = [*router.urls]
