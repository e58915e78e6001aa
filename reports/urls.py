"""URLs of the report tables and bundles (under /bao-cao/)."""

from django.urls import path, register_converter

from . import views


class TableKey:
    """A table number as printed: A1, B12, TH3."""

    regex = "[A-Z]{1,4}[0-9]{1,4}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(TableKey, "tablekey")

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("goi/<int:pk>/", views.bundle_status, name="bundle_status"),
    path("goi/<int:pk>/tai-ve/", views.bundle_download, name="bundle_download"),
    path("<slug:period_code>/v<int:version>/", views.snapshot_tables, name="snapshot"),
    path("<slug:period_code>/v<int:version>/goi/", views.bundle_start, name="bundle_start"),
    path("<slug:period_code>/v<int:version>/tat-ca-bieu.xlsx", views.workbook_download, name="workbook"),
    path("<slug:period_code>/v<int:version>/bao-cao.docx", views.draft_report_download, name="draft_report"),
    path("<slug:period_code>/v<int:version>/bieu/<tablekey:key>/", views.table_view, name="table"),
    path(
        "<slug:period_code>/v<int:version>/bieu/<tablekey:key>.<str:fmt>",
        views.table_download,
        name="table_download",
    ),
]
