"""URLs of the evidence app: uploads and permission-checked downloads."""

from django.urls import path

from . import views

app_name = "evidence"
urlpatterns = [
    path("<int:pk>/", views.download, name="download"),
    path("muc/<int:item_pk>/", views.item_files, name="item_files"),
    path("muc/<int:item_pk>/tai-len/", views.upload, name="upload"),
    path("muc/<int:item_pk>/dung-lai/", views.link, name="link"),
    path("muc/<int:item_pk>/go/<int:evidence_pk>/", views.unlink, name="unlink"),
    path("<int:pk>/kiem-tra-lai/", views.check_retry, name="check_retry"),
    path("tim-kiem/", views.search, name="search"),
    path("chung-thu-goc/", views.trusted_roots, name="trusted_roots"),
]
