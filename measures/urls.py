from django.urls import path

from . import views

app_name = "measures"

urlpatterns = [
    path("<slug:period_code>/", views.page, name="page"),
    path("<slug:period_code>/tai-len/", views.upload, name="upload"),
    path("<slug:period_code>/mau.xlsx", views.template, name="template"),
    path("<slug:period_code>/xem-truoc/<int:import_id>/", views.preview, name="preview"),
    path("<slug:period_code>/xem-truoc/<int:import_id>/trang-thai/", views.status, name="status"),
    path("<slug:period_code>/xem-truoc/<int:import_id>/luu/", views.confirm, name="confirm"),
    path("<slug:period_code>/xem-truoc/<int:import_id>/huy/", views.discard, name="discard"),
]
