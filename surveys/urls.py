"""URLs of the surveys app (under /khao-sat/); tra-loi/<token>/ is the public online form."""

from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.index, name="index"),
    path("phieu/<int:pk>/", views.questionnaire_detail, name="questionnaire"),
    path("phieu/<int:pk>/mau.xlsx", views.responses_template, name="template"),
    path("phieu/<int:pk>/lan-nhap/<int:batch_pk>/", views.batch_status, name="batch"),
    path("phieu/<int:pk>/nhap/", views.entry, name="entry"),
    path("phieu/<int:pk>/nhap-lai/", views.second_entry, name="second_entry"),
    path("phieu/<int:pk>/doi-chieu/", views.mismatches, name="mismatches"),
    path("phieu/<int:pk>/sua/<str:serial>/", views.correct, name="correct"),
    path("phieu/<int:pk>/truc-tuyen/", views.online_links, name="online"),
    path("phieu/<int:pk>/truc-tuyen.csv", views.online_links_csv, name="online_csv"),
    path("phieu/<int:pk>/phieu-in/", views.printed_forms, name="printed"),
    path("ky/<int:period_pk>/tong-hop/", views.values_refresh, name="refresh"),
    path("tra-loi/<str:token>/", views.online_answer, name="answer"),
]
