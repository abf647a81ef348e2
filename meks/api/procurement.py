"""REST API of procurement."""

urlpatterns: list = []
