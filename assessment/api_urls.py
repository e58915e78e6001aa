"""API URLs of the assessment app (under /api/v1/assessment/)."""

app_name = "assessment-api"
urlpatterns = []
