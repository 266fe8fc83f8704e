from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.my_forms, name="my-forms"),
    path("dashboards/", views.dashboard_list, name="dashboard-list"),
    path("dashboards/sign-off/", views.sign_off, name="sign-off"),
    path("dashboards/sign-off/forms/", views.sign_off_list, name="sign-off-list"),
]
