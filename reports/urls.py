"""URLs of the report tables and bundles (under /bao-cao/)."""

app_name = "reports"
urlpatterns = []
