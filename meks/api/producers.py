"""REST API of producers."""

urlpatterns: list = []
