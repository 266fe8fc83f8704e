from django.urls import path

from forms_engine import views

app_name = "forms"

urlpatterns = [
    path("cases/<int:pk>/forms/", views.case_forms, name="case-forms"),
    path("cases/<int:pk>/forms/new/", views.form_new, name="form-new"),
    path("cases/<int:pk>/subject-access/", views.subject_access_export, name="subject-access"),
    path("forms/<int:pk>/", views.form_edit, name="form-edit"),
    path("forms/<int:pk>/history/", views.form_history, name="form-history"),
    path("forms/<int:pk>/clone/", views.form_clone, name="form-clone"),
    path("forms/<int:pk>/print/", views.form_print, name="form-print"),
    path("forms/<int:pk>/prints/", views.print_history, name="print-history"),
]
