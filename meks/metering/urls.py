"""Pages of water and heat metering."""

from django.urls import path

from . import views

app_name = "metering"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("consumption.xlsx", views.consumption_export, name="consumption_export"),
    path("compliance/", views.compliance, name="compliance"),
    path("compliance/buildings/<int:pk>/", views.compliance_meters, name="compliance_meters"),
    path("types/", views.type_list, name="type_list"),
    path("types.xlsx", views.type_export, name="type_export"),
    path("meters/", views.meter_list, name="meter_list"),
    path("meters.xlsx", views.meter_export, name="meter_export"),
    path("meters/<int:pk>/", views.meter_detail, name="meter_detail"),
    path("meters/<int:pk>/readings.xlsx", views.meter_readings_export, name="meter_readings_export"),
    path("buildings/", views.building_list, name="building_list"),
    path("buildings/<int:pk>/", views.building_detail, name="building_detail"),
    path("buildings/<int:pk>/balance.xlsx", views.building_balance_export, name="building_balance_export"),
    path("upload/", views.upload, name="upload"),
    path("upload/sample.csv", views.upload_template, name="upload_template"),
    path("batches/", views.batch_list, name="batch_list"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/rejected.xlsx", views.batch_rejected_export, name="batch_rejected_export"),
]
