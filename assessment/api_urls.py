"""API URLs of the assessment app (under /api/v1/assessment/)."""

from rest_framework.routers import SimpleRouter

from .api import ItemViewSet

app_name = "assessment-api"

router = SimpleRouter()
router.register("items", ItemViewSet, basename="item")
urlpatterns = router.urls
