from django.urls import path

from salesdesk.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("<int:pk>/", views.job_detail, name="job_detail"),
    path("<int:pk>/report.csv", views.job_report, name="job_report"),
    path("mappings/", views.mapping_list, name="mapping_list"),
]
