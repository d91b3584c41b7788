from django.urls import path

from salesdesk.metrics import views

app_name = "metrics"
urlpatterns = [
    path("", views.explorer, name="explorer"),
]
