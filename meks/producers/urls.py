"""Pages of producers."""

app_name = "producers"

urlpatterns: list = []
