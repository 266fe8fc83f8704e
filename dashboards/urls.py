from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.my_forms, name="my-forms"),
    path("dashboards/", views.dashboard_list, name="dashboard-list"),
    path("dashboards/sign-off/", views.sign_off, name="sign-off"),
    path("dashboards/sign-off/forms/", views.sign_off_list, name="sign-off-list"),
    path("dashboards/teams/", views.my_teams, name="teams"),
    path("dashboards/teams/<int:pk>/deputies/", views.name_deputy, name="deputy-new"),
    path("dashboards/teams/deputies/<int:pk>/end/", views.end_deputy, name="deputy-end"),
]
