"""URLs of the public results site (no login), under /ket-qua/."""

app_name = "public"
urlpatterns = []
