from django import forms
from django.utils.translation import gettext_lazy as _

from .models import TokenScope


class TokenIssueForm(forms.Form):
    name = forms.CharField(
        label=_("System"), max_length=120, help_text=_("The system that will use the token.")
    )
    scope = forms.ChoiceField(label=_("Scope"), choices=TokenScope.choices, initial=TokenScope.PUBLISHED)
    rate_per_minute = forms.IntegerField(
        label=_("Requests per minute"), min_value=1, max_value=6000, initial=60
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name == "scope" else "form-control"
