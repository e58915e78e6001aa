"""API URLs of the evidence app (under /api/v1/evidence/)."""

from rest_framework.routers import SimpleRouter

from .api import EvidenceFileViewSet

app_name = "evidence-api"

router = SimpleRouter()
router.register("files", EvidenceFileViewSet, basename="file")
urlpatterns = router.urls
