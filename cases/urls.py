from django.urls import path

from cases import views
from forms_engine import views as form_views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("<int:pk>/", views.case_detail, name="case-detail"),
    path("<int:pk>/forms/", form_views.case_forms, name="case-forms"),
    path("<int:pk>/forms/new/", form_views.form_new, name="form-new"),
]
