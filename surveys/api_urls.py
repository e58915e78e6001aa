"""API URLs of the surveys app (under /api/v1/surveys/)."""

app_name = "surveys-api"
urlpatterns = []
