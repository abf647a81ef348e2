"""Pages of the reports and briefings."""

app_name = "reports"

urlpatterns: list = []
