"""Top-level URLs: admin, accounts, the staff pages and i18n switching."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("dang-nhap/", auth_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("quen-mat-khau/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("quen-mat-khau/da-gui/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "dat-lai-mat-khau/xong/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/assessment/", include("assessment.api_urls")),
    path("api/v1/surveys/", include("surveys.api_urls")),
    path("api/v1/evidence/", include("evidence.api_urls")),
    path("api/v1/", include("api.urls")),
    path("ung-dung-api/", include("api.web_urls")),
    path("tu-danh-gia/", include("assessment.urls")),
    path("tham-dinh/", include("assessment.appraisal_urls")),
    path("khao-sat/", include("surveys.urls")),
    path("so-lieu/", include("measures.urls")),
    path("tai-lieu/", include("evidence.urls")),
    path("tai-khoan/", include("accounts.urls")),
    path("ket-qua/", include("public.urls")),
    path("bao-cao/", include("reports.urls")),
    path("", include("web.urls")),
]

admin.site.site_header = "ParIndex — Chỉ số cải cách hành chính"
admin.site.site_title = "ParIndex"
admin.site.index_title = "Quản trị"
