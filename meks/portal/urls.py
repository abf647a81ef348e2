"""Pages of the public portal."""

from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.index, name="index"),
    path("map/", views.region_map, name="map"),
    path("regions/<str:kato>/", views.region_detail, name="region_detail"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/<str:code>/", views.project_detail, name="project_detail"),
    path("tenders/", views.tender_list, name="tender_list"),
    path("tenders/<str:number>/", views.tender_detail, name="tender_detail"),
    path("language/<str:code>/", views.language, name="language"),
]
