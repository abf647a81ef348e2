"""Pages of financing."""

from django.urls import path

from . import views

app_name = "finance"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("applications/", views.application_list, name="application_list"),
    path("applications/export.xlsx", views.application_export, name="application_export"),
    path("applications/new/", views.application_create, name="application_create"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/transition/", views.application_transition, name="application_transition"),
    path("applications/<int:pk>/decision/", views.application_decide, name="application_decide"),
    path("applications/<int:pk>/tranches/plan/", views.tranche_plan, name="tranche_plan"),
    path("applications/<int:pk>/tranches/pay/", views.tranche_pay, name="tranche_pay"),
    path("budget/", views.budget_lines, name="budget_lines"),
    path("budget/<int:pk>/", views.budget_line_detail, name="budget_line_detail"),
    path("budget/plans/", views.financing_plans, name="financing_plans"),
    path("budget/mismatches/", views.mismatches, name="mismatches"),
]
