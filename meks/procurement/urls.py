"""Pages of procurement."""

app_name = "procurement"

urlpatterns: list = []
