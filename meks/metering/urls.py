"""Pages of water and heat metering."""

app_name = "metering"

urlpatterns: list = []
