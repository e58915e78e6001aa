"""Forms of the survey pages: response files, and paper forms typed by number keys (the group and the
agency by their number in the lists shown, or their code; each answer by its option key)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency

from .models import RespondentGroup
from .selectors import EntryQuestion

MAX_UPLOAD = 100 * 1024 * 1024
TOO_LARGE = _("The file is larger than 100 MB.")
GROUP_UNKNOWN = _("No respondent group %(value)s: type one of the numbers listed.")
AGENCY_UNKNOWN = _("No agency %(value)s: type one of the numbers listed.")
SERIAL_REQUIRED = _("Type the serial number printed on the form.")
GROUP_REQUIRED = _("Type the respondent group's number.")
AGENCY_REQUIRED = _("Type the number of the agency assessed.")


class ResponsesFileForm(forms.Form):
    file = forms.FileField(
        label=_("Response file (XLSX or CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(TOO_LARGE)
        return upload


def group_number(position: int) -> str:
    return str(position)


def agency_number(position: int, count: int) -> str:
    """Zero-padded to the width of the largest number, so every number is complete when typed (07, 18)."""
    return str(position).zfill(len(str(count)))


class EntryForm(forms.Form):
    """One paper form: serial, group, agency and one box per question (an empty box is no answer)."""

    serial = forms.CharField(
        label=_("Serial number"), max_length=40, error_messages={"required": SERIAL_REQUIRED}
    )
    group = forms.CharField(label=_("Respondent group"), error_messages={"required": GROUP_REQUIRED})
    agency = forms.CharField(label=_("Agency assessed"), error_messages={"required": AGENCY_REQUIRED})

    def __init__(
        self,
        *args,
        groups: list[RespondentGroup],
        agencies: list[Agency],
        questions: list[EntryQuestion],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.groups = {group_number(n): g for n, g in enumerate(groups, start=1)}
        self.groups.update({g.code: g for g in groups})
        self.agencies = {agency_number(n, len(agencies)): a for n, a in enumerate(agencies, start=1)}
        self.agencies.update({str(n): a for n, a in enumerate(agencies, start=1)})
        self.agencies.update({a.code: a for a in agencies})
        self.questions = questions
        for entry in questions:
            self.fields[f"q{entry.question.id}"] = forms.CharField(
                label=entry.question.number, required=False, strip=True
            )

    def clean_group(self) -> RespondentGroup:
        value = self.cleaned_data["group"].strip()
        if value not in self.groups:
            raise forms.ValidationError(GROUP_UNKNOWN, params={"value": value})
        return self.groups[value]

    def clean_agency(self) -> Agency:
        value = self.cleaned_data["agency"].strip()
        if value not in self.agencies:
            raise forms.ValidationError(AGENCY_UNKNOWN, params={"value": value})
        return self.agencies[value]

    def answers(self) -> dict[int, str]:
        """Question id → key typed, for the questions asked of the group (the others are not sent)."""
        return {
            entry.question.id: self.cleaned_data.get(f"q{entry.question.id}") or ""
            for entry in self.questions
            if f"q{entry.question.id}" in self.data
        }

    def rows(self):
        """(question with its options, bound field) in order, for the template."""
        return [(entry, self[f"q{entry.question.id}"]) for entry in self.questions]


class CorrectionForm(EntryForm):
    """The first entry of a form corrected from its paper copy: the same boxes, and why."""

    reason = forms.CharField(
        label=_("Why the first entry is corrected"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Say why the first entry is corrected (e.g. checked against the paper form).")
        },
    )


class OnlineForm(forms.Form):
    """The public form of a one-time link: one choice per question asked of the link's group."""

    def __init__(self, *args, questions: list[EntryQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for entry in questions:
            self.fields[f"q{entry.question.id}"] = forms.ChoiceField(
                label=entry.question.text,
                required=False,
                choices=[(option.key, option.label) for option in entry.options],
                widget=forms.RadioSelect,
            )

    def answers(self) -> dict[int, str]:
        return {
            entry.question.id: self.cleaned_data.get(f"q{entry.question.id}") or ""
            for entry in self.questions
        }

    def rows(self):
        return [(entry, self[f"q{entry.question.id}"]) for entry in self.questions]
