"""URLs of the surveys app."""

app_name = "surveys"
urlpatterns = []
