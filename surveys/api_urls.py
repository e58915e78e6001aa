"""API URLs of the surveys app (under /api/v1/surveys/)."""

from django.urls import path

from . import api

app_name = "surveys-api"
urlpatterns = [
    path("questionnaires/<int:pk>/responses/", api.ResponsesImportView.as_view(), name="responses-import"),
    path(
        "questionnaires/<int:pk>/responses/<int:batch_pk>/",
        api.ImportStatusView.as_view(),
        name="import-status",
    ),
    path("periods/<slug:period_code>/values/", api.SurveyValueList.as_view(), name="values"),
    path("periods/<slug:period_code>/sipas/", api.SipasList.as_view(), name="sipas"),
]
