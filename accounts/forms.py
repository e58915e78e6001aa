"""The form Home Affairs changes an agency account with: only the roles the official may grant."""

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency

from .grants import grantable_roles
from .models import Role


class AccountChangeForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.order_by("code"), required=False, label=_("Agency")
    )
    is_active = forms.BooleanField(required=False, label=_("Active (may log in)"))
    reason = forms.CharField(max_length=100, required=False, label=_("Reason"))

    def __init__(self, *args, account, acting_user, **kwargs):
        kwargs.setdefault(
            "initial", {"role": account.role, "agency": account.agency, "is_active": account.is_active}
        )
        super().__init__(*args, **kwargs)
        allowed = grantable_roles(acting_user) | {account.role}
        self.fields["role"].choices = [(value, label) for value, label in Role.choices if value in allowed]
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else "form-select"
            )
        self.fields["reason"].widget.attrs["class"] = "form-control"
