"""The open-data feeds and their documentation page."""

app_name = "opendata"

urlpatterns: list = []
