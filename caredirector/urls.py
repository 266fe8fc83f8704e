from django.contrib import admin
from django.urls import include, path

from caredirector import views
from dashboards import views as dashboard_views

urlpatterns = [
    path("", dashboard_views.my_forms, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("cases/", include("cases.urls")),
    path("forms/", include("forms_engine.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("cld/", include("cld.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "caredirector.views.permission_denied"
