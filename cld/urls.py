from django.urls import path

from cld import views

app_name = "cld"

urlpatterns = [
    path("extract/", views.extract, name="extract"),
]
