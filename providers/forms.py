from django import forms
from django.utils.translation import gettext_lazy as _


class AffiliationForm(forms.Form):
    orgnr = forms.CharField(
        label=_("Organisation number"),
        max_length=20,
        help_text=_("The enterprise's or one of its sub-units' (an establishment)."),
    )
    valid_from = forms.DateField(label=_("From"), required=False, help_text=_("Empty: today."))
    valid_to = forms.DateField(label=_("To"), required=False)
    employees = forms.IntegerField(label=_("Employees covered"), required=False, min_value=0)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Client list (CSV)"),
        help_text=_(
            "One client per row: organisation number; start date; end date; employees covered (the last three "
            "may be left out). Separated by semicolons or commas; dates as 31.12.2026."
        ),
    )


class EndForm(forms.Form):
    valid_to = forms.DateField(label=_("Last day"))


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name of the key"), max_length=100, help_text=_("E.g. the system that uses it."))
