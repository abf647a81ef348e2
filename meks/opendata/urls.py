"""The open-data feeds and their documentation page (public, no log-in)."""

from django.urls import path

from . import views

app_name = "opendata"

urlpatterns = [
    path("", views.index, name="index"),
    path("oc4ids/projects.json", views.oc4ids_projects, name="oc4ids_projects"),
    path("oc4ids/projects/<str:code>.json", views.oc4ids_project, name="oc4ids_project"),
    path("ocds/releases.json", views.ocds_releases, name="ocds_releases"),
    path("ocds/releases/<str:ocid>.json", views.ocds_tender, name="ocds_tender"),
    path("csv/projects.csv", views.projects_csv, name="projects_csv"),
    path("csv/regions.csv", views.regions_csv, name="regions_csv"),
    path("csv/financing.csv", views.financing_csv, name="financing_csv"),
]
