"""URLs of the surveys app (under /khao-sat/)."""

from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.index, name="index"),
    path("phieu/<int:pk>/", views.questionnaire_detail, name="questionnaire"),
    path("phieu/<int:pk>/mau.xlsx", views.responses_template, name="template"),
    path("ky/<int:period_pk>/tong-hop/", views.values_refresh, name="refresh"),
]
