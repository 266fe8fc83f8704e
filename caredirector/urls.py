from django.contrib import admin
from django.urls import include, path

from caredirector import views

urlpatterns = [
    path("", include("dashboards.urls")),  # Home (My Forms) and the dashboards
    path("healthz", views.healthz, name="healthz"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("accounts/", include("accounts.urls")),
    path("cases/", include("cases.urls")),
    path("", include("forms_engine.urls")),  # forms, and the forms of a case (Forms (Case))
    path("cld/", include("cld.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "caredirector.views.permission_denied"
