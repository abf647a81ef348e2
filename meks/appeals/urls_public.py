"""The public appeal pages, under /appeal/ (no log-in)."""

from django.urls import path

from . import views_public

app_name = "appeals_public"

urlpatterns = [
    path("", views_public.appeal_form, name="form"),
    path("done/<str:token>/", views_public.done, name="done"),
    path("track/", views_public.track, name="track"),
    path("track/<str:number>/<str:code>/rate/", views_public.rate, name="rate"),
]
