from django.urls import path

from . import web_views

app_name = "api-clients"

urlpatterns = [path("", web_views.api_clients, name="list")]
