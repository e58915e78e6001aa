from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views, writes

app_name = "api-v1"

urlpatterns = [
    path("periods/", views.PeriodList.as_view(), name="periods"),
    path("periods/<slug:period_code>/", views.PeriodDetail.as_view(), name="period"),
    path("periods/<slug:period_code>/compute/", writes.PeriodCompute.as_view(), name="period-compute"),
    path("periods/<slug:period_code>/measures/", writes.PeriodMeasures.as_view(), name="period-measures"),
    path(
        "periods/<slug:period_code>/measures/<int:import_id>/store/",
        writes.PeriodMeasuresStore.as_view(),
        name="period-measures-store",
    ),
    path("blocks/", views.BlockList.as_view(), name="blocks"),
    path("blocks/<slug:block_code>/", views.BlockDetail.as_view(), name="block"),
    path("blocks/<slug:block_code>/ranking/", views.BlockRanking.as_view(), name="block-ranking"),
    path("agencies/", views.AgencyList.as_view(), name="agencies"),
    path("agencies/<slug:agency_code>/", views.AgencyDetail.as_view(), name="agency"),
    path("criteria-sets/", views.CriteriaSetList.as_view(), name="criteria-sets"),
    path(
        "criteria-sets/<slug:period_code>/<slug:block_code>/",
        views.CriteriaSetDocument.as_view(),
        name="criteria-set",
    ),
    path(
        "criteria-sets/<slug:period_code>/<slug:block_code>/import/",
        writes.CriteriaSetImport.as_view(),
        name="criteria-set-import",
    ),
    path("snapshots/", views.SnapshotList.as_view(), name="snapshots"),
    path("snapshots/<slug:period_code>/v<int:version>/", views.SnapshotDetail.as_view(), name="snapshot"),
    path(
        "snapshots/<slug:period_code>/v<int:version>/results/",
        views.SnapshotResults.as_view(),
        name="snapshot-results",
    ),
    path(
        "snapshots/<slug:period_code>/v<int:version>/publish/",
        writes.SnapshotPublish.as_view(),
        name="snapshot-publish",
    ),
    path("publications/", views.PublicationList.as_view(), name="publications"),
    path("jobs/compute/", views.ComputeJobList.as_view(), name="compute-jobs"),
    path("jobs/compute/<int:job_id>/", views.ComputeJobDetail.as_view(), name="compute-job"),
    *(
        route
        for code, (job_list, job_detail) in views.JOB_VIEWS.items()
        for route in (
            path(f"jobs/{code}/", job_list.as_view(), name=f"{code}-jobs"),
            path(f"jobs/{code}/<int:job_id>/", job_detail.as_view(), name=f"{code}-job"),
        )
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-v1:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
]
