from django.urls import path

from forms_engine import views

app_name = "forms"

urlpatterns = [
    path("<int:pk>/", views.form_edit, name="form-edit"),
    path("<int:pk>/history/", views.form_history, name="form-history"),
    path("<int:pk>/clone/", views.form_clone, name="form-clone"),
    path("<int:pk>/print/", views.form_print, name="form-print"),
    path("<int:pk>/prints/", views.print_history, name="print-history"),
]
