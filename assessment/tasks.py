"""Celery tasks of the self-assessment: each only calls a service."""

from celery import shared_task

from .reminders import self_assessment_reminders_send


@shared_task(name="assessment.send_self_assessment_reminders")
def send_self_assessment_reminders() -> int:
    return self_assessment_reminders_send()
