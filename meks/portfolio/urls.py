from django.urls import path

from . import views

app_name = "portfolio"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/transition/", views.project_transition, name="project_transition"),
    path("projects/<int:pk>/readiness/", views.project_readiness, name="project_readiness"),
    path("projects/<int:pk>/confidence/", views.project_confidence, name="project_confidence"),
    path("projects/<int:pk>/milestones/<int:milestone_pk>/", views.milestone_edit, name="milestone_edit"),
    path("projects/<int:pk>/progress/", views.progress_submit, name="progress_submit"),
    path("projects/<int:pk>/baselines/new/", views.baseline_propose, name="baseline_propose"),
    path("projects/<int:pk>/baselines/<int:baseline_pk>/decision/", views.baseline_decide, name="baseline_decide"),
    path("projects/<int:pk>/baselines/compare/", views.baseline_compare, name="baseline_compare"),
    path("rating/", views.rating, name="rating"),
]
