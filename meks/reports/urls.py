"""Pages of the reports and briefings."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns: list = [
    path("briefing/", views.briefing_form, name="briefing"),
    path("briefing/pdf/", views.briefing_pdf, name="briefing_pdf"),
    path("briefing/xlsx/", views.briefing_xlsx, name="briefing_xlsx"),
]
