"""Forms for dispensations as decisions: the application (by the enterprise, or by a case
handler on its behalf) and the handler's decision."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from approvals.forms.handler import DATE_WIDGET
from approvals.models import DispensationCase
from core.limits import TEXT_MAX
from core.orgnr import OrgnrError, parse_orgnr
from enterprises.models import Dispensation, DispensationScope, Enterprise


class DispensationApplyForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you apply for?"), choices=DispensationCase.Kind.choices, widget=forms.RadioSelect
    )
    dispensation = forms.ModelChoiceField(
        label=_("The dispensation to change or end"), queryset=Dispensation.objects.none(), required=False
    )
    scope = forms.ChoiceField(
        label=_("Scope"), choices=DispensationScope.choices, widget=forms.RadioSelect, initial=DispensationScope.WHOLE
    )
    part = forms.CharField(label=_("The part of the enterprise"), required=False, max_length=300)
    valid_from = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET)
    valid_until = forms.DateField(
        label=_("Until"), required=False, widget=DATE_WIDGET, help_text=_("For an end: the last day.")
    )
    grounds = forms.CharField(
        label=_("Grounds"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Why the enterprise should not (or no longer) have to be connected to an approved BHT."),
    )

    def __init__(self, *args, enterprise: Enterprise | None = None, on_behalf: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise
        self.initial.setdefault("kind", DispensationCase.Kind.NEW)
        if on_behalf:
            self.fields = {"orgnr": forms.CharField(label=_("Organisation number"), max_length=20), **self.fields}
        if enterprise is not None:
            self.fields["dispensation"].queryset = Dispensation.objects.filter(enterprise=enterprise)

    def clean_orgnr(self):
        try:
            number = parse_orgnr(self.cleaned_data["orgnr"])
        except OrgnrError as exc:
            raise forms.ValidationError(exc.message, code=exc.check) from None
        self.enterprise = Enterprise.objects.filter(orgnr=number).first()
        if self.enterprise is None:
            raise forms.ValidationError(_("No enterprise with this organisation number in the register."))
        self.fields["dispensation"].queryset = Dispensation.objects.filter(enterprise=self.enterprise)
        return number

    def clean(self):
        data = super().clean()
        if data.get("kind") in (DispensationCase.Kind.CHANGE, DispensationCase.Kind.END):
            if self.enterprise is not None and not data.get("dispensation"):
                ids = self.data.get(self.add_prefix("dispensation"))
                found = Dispensation.objects.filter(enterprise=self.enterprise, pk=ids).first() if ids else None
                if found is None:
                    self.add_error("dispensation", _("Choose the dispensation to change or end."))
                else:
                    data["dispensation"] = found
        elif data.get("scope") == DispensationScope.PARTIAL and not (data.get("part") or "").strip():
            self.add_error("part", _("Name the part of the enterprise that the dispensation covers."))
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end date is before the start date."))
        return data


class DispensationDecideForm(forms.Form):
    grant = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Grant")), ("no", _("Refuse"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The main considerations in your own words; printed in the decision letter."),
    )
