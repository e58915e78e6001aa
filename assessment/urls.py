"""URLs of the self-assessment (under /tu-danh-gia/)."""

from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:period_code>/tong-hop/", views.overview, name="overview"),
    path("<slug:period_code>/tong-hop.xlsx", views.overview_xlsx, name="overview_xlsx"),
    path("<slug:period_code>/<slug:agency_code>/", views.page, name="page"),
    path("<slug:period_code>/<slug:agency_code>/muc/<int:item_id>/", views.item_save, name="item_save"),
    path("<slug:period_code>/<slug:agency_code>/muc/<int:item_id>/mau/", views.item_row, name="item_row"),
    path(
        "<slug:period_code>/<slug:agency_code>/muc/<int:item_id>/lich-su/",
        views.item_history,
        name="item_history",
    ),
    path("<slug:period_code>/<slug:agency_code>/tien-do/", views.progress, name="progress"),
    path("<slug:period_code>/<slug:agency_code>/nop/", views.submit, name="submit"),
    path("<slug:period_code>/<slug:agency_code>/ky-duyet/", views.sign_off, name="sign_off"),
    path("<slug:period_code>/<slug:agency_code>/tra-lai/", views.send_back, name="send_back"),
    path("<slug:period_code>/<slug:agency_code>/mo-lai/", views.reopen, name="reopen"),
]
