from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("noi-bo/", include("web.results_urls")),
]
