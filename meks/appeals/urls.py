from django.urls import path

from . import views

app_name = "appeals"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("list/", views.appeal_list, name="appeal_list"),
    path("export.xlsx", views.export, name="export"),
    path("statistics/", views.statistics, name="statistics"),
    path("new/", views.intake, name="intake"),
    path("lookup/", views.lookup, name="lookup"),
    path("projects/", views.project_search, name="project_search"),
    path("<int:pk>/", views.appeal_detail, name="appeal_detail"),
    path("<int:pk>/assign/", views.appeal_assign, name="assign"),
    path("<int:pk>/forward/", views.appeal_forward, name="forward"),
    path("<int:pk>/note/", views.appeal_note, name="note"),
    path("<int:pk>/extend/", views.appeal_extend, name="extend"),
    path("<int:pk>/answer/", views.answer_submit, name="answer"),
    path("<int:pk>/answers/<int:answer_pk>/approve/", views.answer_approve, name="answer_approve"),
    path("<int:pk>/answers/<int:answer_pk>/attachment/", views.answer_attachment, name="answer_attachment"),
    path("<int:pk>/close/", views.appeal_close, name="close"),
]
