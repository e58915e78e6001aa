"""The one refusal of the services: a write the rules do not allow.

`message` is for the user, already translated (or lazy); `details` names what it concerns (codes of
criteria, rows). Views and the API show `message`; nothing else is needed to tell the user why. Each
app's refusal (AssessmentRefused, TransitionRefused, MeasuresRefused, …) is this exception under a
name that says where it comes from, so a caller may catch `Refused` for any of them.
"""

from __future__ import annotations


class Refused(Exception):
    def __init__(self, message, details: list | None = None):
        self.message = message
        self.details = list(details or [])
        super().__init__(str(message))
