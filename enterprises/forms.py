from django import forms
from django.utils.translation import gettext_lazy as _

from core.orgnr import OrgnrError, parse_orgnr

from .models import Dispensation, DispensationScope, Enterprise


class ObligationQueryForm(forms.Form):
    q = forms.CharField(
        label=_("Organisation number, industry code or name"),
        max_length=200,
        help_text=_("For example 923 609 016, 41.000 (SN2025) or 96.020 (SN2007), or part of the name."),
    )


class DispensationForm(forms.ModelForm):
    orgnr = forms.CharField(label=_("Organisation number"), max_length=20)

    class Meta:
        model = Dispensation
        fields = ["orgnr", "scope", "part", "valid_from", "valid_until", "reason"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_until": forms.DateInput(attrs={"type": "date"}),
            "scope": forms.RadioSelect,
            "reason": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "part": _("Only for a partial dispensation: the part of the enterprise it covers."),
            "valid_until": _("Leave empty when the dispensation has no end date."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # radio buttons: no empty "---------" choice (it looked like a third kind of scope)
        self.fields["scope"].choices = DispensationScope.choices

    def clean_orgnr(self):
        try:
            number = parse_orgnr(self.cleaned_data["orgnr"])
        except OrgnrError as exc:
            raise forms.ValidationError(exc.message, code=exc.check)
        self.enterprise = Enterprise.objects.filter(orgnr=number).first()
        if self.enterprise is None:
            raise forms.ValidationError(_("No enterprise with this organisation number in the register."))
        return number

    def clean(self):
        data = super().clean()
        if data.get("scope") == DispensationScope.PARTIAL and not (data.get("part") or "").strip():
            self.add_error("part", _("Name the part of the enterprise that the dispensation covers."))
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end date is before the start date."))
        return data

    def _post_clean(self):
        # The model is validated in the service (it needs the enterprise and the user).
        pass
