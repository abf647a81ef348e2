"""Pages of indicators and regional analytics."""

from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("values/", views.values, name="values"),
    path("values/import/", views.values_import, name="values_import"),
    path("values/template/<str:layout>/", views.values_template, name="values_template"),
    path("monotowns/", views.monotown_ranking, name="monotown_ranking"),
    path("monotowns/compare/", views.monotown_compare, name="monotown_compare"),
    path("monotowns/weights/", views.monotown_weights, name="monotown_weights"),
    path("monotowns/exit/", views.monotown_exit, name="monotown_exit"),
    path("monotowns/<int:pk>/", views.monotown_detail, name="monotown_detail"),
    path("zones/", views.zones, name="zones"),
    path("priority/", views.priority, name="priority"),
    path("incentives/", views.incentives, name="incentives"),
    path("villages/", views.villages, name="villages"),
]
