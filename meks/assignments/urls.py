from django.urls import path

from . import views

app_name = "assignments"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("list/", views.assignment_list, name="assignment_list"),
    path("calendar/", views.calendar, name="calendar"),
    path("ranking/", views.ranking, name="ranking"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/issue/", views.assignment_issue, name="assignment_issue"),
    path("<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path("<int:pk>/start/", views.assignment_start, name="assignment_start"),
    path("<int:pk>/report/", views.report_submit, name="report_submit"),
    path("<int:pk>/reports/<int:report_pk>/decision/", views.report_decide, name="report_decide"),
    path("<int:pk>/reports/<int:report_pk>/attachment/", views.report_attachment, name="report_attachment"),
    path("<int:pk>/extension/", views.extension_request, name="extension_request"),
    path("<int:pk>/extensions/<int:request_pk>/decision/", views.extension_decide, name="extension_decide"),
]
