"""API URLs of the evidence app (under /api/v1/evidence/)."""

app_name = "evidence-api"
urlpatterns = []
