from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.accounts_list, name="list"),
    path("<int:pk>/", views.account_change, name="change"),
    path("nhap/", views.accounts_import_page, name="import"),
    path("nhap/<int:pk>/", views.accounts_import_job, name="import_job"),
    path("nhap/<int:pk>/trang-thai/", views.accounts_import_status, name="import_status"),
    path("mau.xlsx", views.accounts_template, name="template"),
]
