from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.orgnr import OrgnrError, parse_orgnr
from providers.models import Provider


class OrgnrField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        try:
            return parse_orgnr(value)
        except OrgnrError as exc:
            raise forms.ValidationError(exc.message) from None


class AsOfForm(forms.Form):
    orgnr = OrgnrField(label=_("Organisation number of a provider or an enterprise"), max_length=20)
    date = forms.DateField(
        label=_("Date"),
        help_text=_("E.g. the day of the breach."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class DeclarationForm(forms.Form):
    provider_orgnr = OrgnrField(label=_("The provider's organisation number"), max_length=20)
    valid_from = forms.DateField(
        label=_("Connected since"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        number = data.get("provider_orgnr")
        if number:
            provider = Provider.objects.filter(orgnr=number).first()
            if provider is None:
                self.add_error("provider_orgnr", _("No occupational health service with this number in the portal."))
            data["provider"] = provider
        return data


class DisputeForm(forms.Form):
    note = forms.CharField(label=_("What is wrong?"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
