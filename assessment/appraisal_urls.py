"""URLs of the appraisal (under /tham-dinh/)."""

from django.urls import path

from . import appraisal_views as views

app_name = "appraisal"
urlpatterns = [
    path("", views.index, name="index"),
    path("thong-bao/", views.notifications, name="notifications"),
    path("<slug:period_code>/", views.inbox, name="inbox"),
    path("<slug:period_code>/muc/<int:item_id>/", views.item, name="item"),
    path("<slug:period_code>/muc/<int:item_id>/dinh-chinh/", views.correct, name="correct"),
    path("<slug:period_code>/phan-cong/", views.assignments, name="assignments"),
    path("<slug:period_code>/tong-hop/", views.review, name="review"),
    path("<slug:period_code>/chuyen/<slug:name>/", views.transition, name="transition"),
    path("<slug:period_code>/giai-trinh/", views.explain, name="explain"),
]
