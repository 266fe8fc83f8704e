from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.dashboard_list, name="dashboard-list"),
    path("sign-off/", views.sign_off, name="sign-off"),
    path("sign-off/forms/", views.sign_off_list, name="sign-off-list"),
]
