from django.contrib import admin
from django.urls import include, path

from caredirector import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("cases/", include("cases.urls")),
    path("forms/", include("forms_engine.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "caredirector.views.permission_denied"
