from django.urls import path

from . import views

app_name = "territory"

urlpatterns = [
    path("regions/", views.region_list, name="region_list"),
    path("regions/<str:kato>/", views.region_detail, name="region_detail"),
    path("settlements/", views.settlement_list, name="settlement_list"),
    path("settlements/<int:pk>/", views.settlement_detail, name="settlement_detail"),
    path("settlements/<int:pk>/edit/", views.settlement_edit, name="settlement_edit"),
]
