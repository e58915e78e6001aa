"""The optional official-document details typed beside an upload (số ký hiệu, ngày ban hành, trích yếu)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DocumentDetailsForm(forms.Form):
    document_number = forms.CharField(label=_("Document number"), max_length=100, required=False)
    document_date = forms.DateField(
        label=_("Document date"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"invalid": _("Type the date as dd/mm/yyyy, for example 15/01/2026.")},
    )
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TrustedRootForm(forms.Form):
    certificate = forms.FileField(label=_("Root certificate (.cer, .crt, .pem)"))
    name = forms.CharField(label=_("Name shown"), max_length=255, required=False)
