"""Pages of financing."""

app_name = "finance"

urlpatterns: list = []
