"""The report of assignment execution as Excel and PDF (included under ``/assignments/``)."""

from django.urls import path

from . import views_reports

app_name = "assignments_reports"

urlpatterns = [
    path("report.xlsx", views_reports.report_xlsx, name="xlsx"),
    path("report.pdf", views_reports.report_pdf, name="pdf"),
]
