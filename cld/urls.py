from django.urls import path

from cld import views

app_name = "cld"

urlpatterns = [
    path("extract/", views.extract, name="extract"),
    path("extract/runs/", views.runs, name="runs"),
    path("extract/runs/<int:pk>/", views.run, name="run"),
    path("extract/runs/<int:pk>/progress/", views.run_progress, name="run-progress"),
    path("extract/runs/<int:pk>/<str:kind>.csv", views.run_file, name="run-file"),
]
