"""Admin housekeeping: hide the job-queue bookkeeping officials never edit (it has no Vietnamese labels)."""

from django.contrib import admin
from django_celery_beat.models import ClockedSchedule, SolarSchedule
from django_celery_results.models import GroupResult, TaskResult

for model in (TaskResult, GroupResult, SolarSchedule, ClockedSchedule):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
