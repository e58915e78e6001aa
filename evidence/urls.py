"""URLs of the evidence app: uploads and permission-checked downloads."""

app_name = "evidence"
urlpatterns = []
