"""Pages of the public portal."""

app_name = "portal"

urlpatterns: list = []
