"""Excel template, export and import of the portfolio (included under ``/portfolio/``)."""

from django.urls import path

from . import views_excel

app_name = "portfolio_excel"

urlpatterns = [
    path("excel/template.xlsx", views_excel.template_download, name="template"),
    path("excel/projects.xlsx", views_excel.projects_export, name="export"),
    path("excel/import/", views_excel.projects_import, name="import"),
]
