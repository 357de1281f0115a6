"""Forms of the inspection pages. Uploads are checked by content in the services
(inspections/attachments.py); a refusal is shown on the field."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.selectors import inspectors
from core.limits import TEXT_MAX

from . import rules
from .models import Finding, FinePeriod, InspectionKind, ReactionKind

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (a list, possibly empty when not required)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            files = [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        else:
            files = [super().clean(data, initial)] if data else []
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return files


class TargetSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Organisation number or name"),
        max_length=200,
        help_text=_("An enterprise in the register copy, or a BHT provider."),
    )


class InspectionStartForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=InspectionKind.choices, widget=forms.RadioSelect)
    inspected_on = forms.DateField(label=_("Date of the inspection"), widget=DATE_WIDGET)
    team = forms.ModelMultipleChoiceField(
        label=_("Other inspectors taking part"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only users with the inspector role can be chosen."),
    )
    topics = forms.CharField(
        max_length=TEXT_MAX, label=_("Topics"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    advance_notice = forms.CharField(
        max_length=TEXT_MAX,
        label=_("Notice sent beforehand"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("For an announced inspection: what will be looked at and which documents to have ready."),
    )
    contact_email = forms.EmailField(label=_("Contact e-mail of the inspected party"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = inspectors()
        if user is not None:
            qs = qs.exclude(pk=user.pk)
        self.fields["team"].queryset = qs
        self.fields["team"].label_from_instance = lambda u: u.get_full_name()

    def clean(self):
        data = super().clean()
        if data.get("kind") == InspectionKind.ANNOUNCED and not (data.get("advance_notice") or "").strip():
            self.add_error(
                "advance_notice",
                _(
                    "An announced inspection needs the notice sent beforehand: what will be looked at and which documents to have ready."
                ),
            )
        return data


class FindingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Finding.Kind.choices)
    legal_basis = forms.CharField(label=_("Legal reference"), max_length=200, required=False)
    description = forms.CharField(max_length=TEXT_MAX, label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    intended_order = forms.CharField(
        max_length=TEXT_MAX,
        label=_("Intended order"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("What the report gives advance notice of (non-conformities only)."),
    )


class FindingEditForm(FindingForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["kind"]


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Photo or PDF"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class ReportForm(forms.Form):
    comment_deadline = forms.DateField(label=_("Deadline for comments"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "initial", {"comment_deadline": timezone.localdate() + datetime.timedelta(days=rules.DEFAULT_COMMENT_DAYS)}
        )
        super().__init__(*args, **kwargs)


class CommentForm(forms.Form):
    text = forms.CharField(max_length=TEXT_MAX, label=_("Your comments"), widget=forms.Textarea(attrs={"rows": 5}))
    files = MultipleFileField(label=_("Attachments (PDF or photos)"), required=False)


class ComplianceUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Documents"),
        help_text=_("For a missing BHT: the signed contract and the plan for the BHT's assistance."),
    )
    note = forms.CharField(
        max_length=TEXT_MAX, label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class OrderForm(forms.Form):
    text = forms.CharField(max_length=TEXT_MAX, label=_("What must be done"), widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=200, initial=rules.ORDER_LEGAL_BASIS)
    deadline = forms.DateField(label=_("Compliance deadline"), widget=DATE_WIDGET)


class ExtensionForm(forms.Form):
    new_deadline = forms.DateField(label=_("New deadline"), widget=DATE_WIDGET)
    reason = forms.CharField(
        max_length=TEXT_MAX, label=_("Reason (the party's request)"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ExtensionRequestForm(forms.Form):
    wished_deadline = forms.DateField(label=_("The deadline you ask for"), widget=DATE_WIDGET)
    reason = forms.CharField(
        max_length=TEXT_MAX, label=_("Why you need more time"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ComplianceForm(forms.Form):
    documentation = forms.CharField(
        max_length=TEXT_MAX,
        label=_("Documentation of compliance"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was received and checked, e.g. the signed contract and the plan, with dates."),
    )


class ReactionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Reaction"), choices=ReactionKind.choices)
    text = forms.CharField(max_length=TEXT_MAX, label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        max_length=200,
        required=False,
        help_text=_("Empty: the usual section for the reaction."),
    )
    order = forms.TypedChoiceField(label=_("Order"), coerce=int, required=False, empty_value=None)
    amount = forms.DecimalField(label=_("Amount (NOK)"), min_value=1, max_digits=12, decimal_places=0, required=False)
    period = forms.ChoiceField(label=_("Period"), choices=[("", "–"), *FinePeriod.choices], required=False)
    runs_from = forms.DateField(label=_("Runs from"), widget=DATE_WIDGET, required=False)

    def __init__(self, *args, orders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].choices = [("", "–"), *((o.pk, o.text[:80]) for o in orders)]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == ReactionKind.COERCIVE_FINE:
            for name in ("order", "amount", "period", "runs_from"):
                if not data.get(name):
                    self.add_error(name, _("Needed for a coercive fine."))
        if kind == ReactionKind.INFRINGEMENT_FINE and not data.get("amount"):
            self.add_error("amount", _("Needed for an infringement fine."))
        return data
