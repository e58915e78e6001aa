"""API URLs of the assessment app (under /api/v1/assessment/)."""

from rest_framework.routers import SimpleRouter

from .api import ItemViewSet
from .appraisal_api import InboxViewSet

app_name = "assessment-api"

router = SimpleRouter()
router.register("items", ItemViewSet, basename="item")
router.register(r"appraisal/(?P<period_code>[-\w]+)/items", InboxViewSet, basename="appraisal-item")
urlpatterns = router.urls
