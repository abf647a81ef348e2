"""REST API of water and heat metering (mounted under /api/v1/metering/)."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter(trailing_slash=True)

urlpatterns = [*router.urls]
