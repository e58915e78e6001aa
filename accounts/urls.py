from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.accounts_list, name="list"),
    path("<int:pk>/", views.account_change, name="change"),
    path("nhap/", views.accounts_import_page, name="import"),
    path("mau.xlsx", views.accounts_template, name="template"),
]
