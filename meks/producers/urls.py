"""Pages of domestic producers."""

from django.urls import path

from . import views

app_name = "producers"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("register/", views.producer_list, name="producer_list"),
    path("register/export.xlsx", views.producer_export, name="producer_export"),
    path("register/<int:pk>/", views.producer_detail, name="producer_detail"),
    path("register/<int:pk>/edit/", views.producer_edit, name="producer_edit"),
    path("register/<int:pk>/transition/", views.producer_transition, name="producer_transition"),
    path("register/<int:pk>/products/new/", views.product_create, name="product_create"),
    path("catalogue/", views.product_list, name="product_list"),
    path("catalogue/export.xlsx", views.product_export, name="product_export"),
    path("catalogue/<int:pk>/", views.product_detail, name="product_detail"),
    path("catalogue/<int:pk>/edit/", views.product_edit, name="product_edit"),
    path("catalogue/<int:pk>/certificates/", views.certificate_add, name="certificate_add"),
    path("bills/", views.bill_list, name="bill_list"),
    path("bills/export.xlsx", views.bill_list_export, name="bill_list_export"),
    path("bills/template.xlsx", views.bill_template, name="bill_template"),
    path("bills/<int:pk>/", views.bill_detail, name="bill_detail"),
    path("bills/<int:pk>/export.xlsx", views.bill_export, name="bill_export"),
    path("bills/<int:pk>/import/", views.bill_import, name="bill_import"),
    path("offtake/", views.contract_list, name="contract_list"),
    path("offtake/export.xlsx", views.contract_export, name="contract_export"),
    path("offtake/<int:pk>/", views.contract_detail, name="contract_detail"),
]
