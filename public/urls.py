"""URLs of the public results site (no login), under /ket-qua/."""

from django.urls import path

from . import views

app_name = "public"
urlpatterns = [
    path("", views.index, name="index"),
    path("ngon-ngu/<slug:code>/", views.language, name="language"),
    path("tu-dien-du-lieu/", views.dictionary, name="dictionary"),
    path("<slug:period_code>/", views.ranking, name="ranking"),
    path("<slug:period_code>/khoi/<slug:block_code>/", views.ranking, name="block"),
    path("<slug:period_code>/co-quan/<slug:agency_code>/", views.agency, name="agency"),
    path("<slug:period_code>/du-lieu/", views.data, name="data"),
    path("<slug:period_code>/du-lieu/v<int:version>/<str:file_name>", views.download, name="download"),
    path("<slug:period_code>/phuong-phap/", views.method, name="method"),
]
