from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("<int:pk>/", views.case_detail, name="case-detail"),
    path("<int:pk>/accesses/", views.record_accesses, name="record-accesses"),
    path("<int:pk>/break-glass/", views.break_glass, name="break-glass"),
    path("break-glass/", views.broken_glass, name="broken-glass"),
]
