"""Pages of indicators and regional analytics."""

app_name = "indicators"

urlpatterns: list = []
