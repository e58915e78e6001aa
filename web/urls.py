from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("noi-bo/", views.results, name="results_index"),
    path("ky/", views.period_current, name="period_current"),
    path("ky/<slug:period_code>/", views.period, name="period"),
    path("noi-bo/", include("web.results_urls")),
]
