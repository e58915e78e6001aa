"""Staff results URLs (under /noi-bo/): rankings, agencies, comparisons, computation and publication."""

from django.urls import path

from . import results_views as views

app_name = "results"
urlpatterns = [
    path("<slug:period_code>/", views.ranking, name="ranking"),
    path("<slug:period_code>/co-quan/<slug:agency_code>/", views.agency, name="agency"),
    path("<slug:period_code>/so-sanh/", views.compare, name="compare"),
    path("<slug:period_code>/tinh-toan/", views.compute, name="compute"),
    path("<slug:period_code>/tinh-toan/<int:job_id>/", views.job, name="job"),
    path("<slug:period_code>/cong-bo/", views.publish, name="publish"),
]
