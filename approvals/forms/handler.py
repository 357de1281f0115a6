"""Forms of the case handler's side: queue filters, assignment, information request, notes,
the decision with the assessment per requirement, revocation notice, appeals."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CASE_HANDLER_ROLES, User
from approvals.models import Appeal, CaseStatus, DecisionOutcome
from approvals.rules import REQUIREMENTS
from approvals.services.cases import default_valid_until

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class QueueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, help_text=_("Case number, provider name or organisation number")
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("open", _("Open (not decided)"))] + list(CaseStatus.choices),
    )
    assigned = forms.ChoiceField(
        label=_("Assigned"),
        required=False,
        choices=[("", _("Everyone")), ("me", _("Assigned to me")), ("unassigned", _("Unassigned"))],
    )
    fails_rule = forms.BooleanField(label=_("Fails a statutory rule"), required=False)
    has_warnings = forms.BooleanField(label=_("Has warnings"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("-received", _("Received, newest first")),
            ("received", _("Received, oldest first")),
            ("case_number", _("Case number")),
            ("provider", _("Provider")),
            ("status", _("Status")),
            ("-failed", _("Most failed rules")),
        ],
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Case handler"), queryset=User.objects.none(), empty_label=None)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = User.objects.filter(role__in=CASE_HANDLER_ROLES, is_active=True).order_by(
            "full_name"
        )
        if user is not None and not self.is_bound:
            self.initial.setdefault("assignee", user.pk)


class InformationRequestForm(forms.Form):
    message = forms.CharField(
        label=_("What must the provider supplement?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The provider sees this text in the portal and gets it by e-mail."),
    )


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 2}))


class RevocationNoticeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("Deadline for the provider"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("deadline", timezone.localdate() + datetime.timedelta(days=30))


class RevocationDropForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the revocation is dropped"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AppealDecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (Appeal.Status.UPHELD, Appeal.Status.UPHELD.label),
            (Appeal.Status.REVERSED, Appeal.Status.REVERSED.label),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Grounds for the appeal"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Say which decision you appeal, what you think is wrong and what you want changed."),
    )


class DecisionForm(forms.Form):
    """The decision with one yes/no + assessment per requirement, pre-filled from the rule
    results. `revocation=True`: the only outcome is a revocation."""

    outcome = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Five years from today unless you set a shorter period."),
    )
    shorter_period_reason = forms.CharField(
        label=_("Reason for a shorter period"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    conditions = forms.CharField(label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    justification = forms.CharField(
        label=_("Justification"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required for approval in special cases: the documented cooperation that covers what is missing; "
            "for a revocation: why."
        ),
    )

    def __init__(self, *args, prefill: list[dict], revocation: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.revocation = revocation
        if revocation:
            self.fields["outcome"].choices = [(DecisionOutcome.REVOKED, DecisionOutcome.REVOKED.label)]
            self.initial.setdefault("outcome", DecisionOutcome.REVOKED)
            for name in ("valid_until", "shorter_period_reason", "conditions"):
                del self.fields[name]
        else:
            self.fields["outcome"].choices = [
                (DecisionOutcome.APPROVED, DecisionOutcome.APPROVED.label),
                (DecisionOutcome.APPROVED_SPECIAL, DecisionOutcome.APPROVED_SPECIAL.label),
                (DecisionOutcome.REJECTED, DecisionOutcome.REJECTED.label),
            ]
            self.initial.setdefault("valid_until", default_valid_until(timezone.localdate()))
        by_id = {p["id"]: p for p in prefill}
        for req in REQUIREMENTS:
            p = by_id.get(req.id, {})
            self.fields[f"met_{req.id}"] = forms.TypedChoiceField(
                label=_("Met?"),
                choices=[("yes", _("Yes")), ("no", _("No"))],
                coerce=lambda v: v == "yes",
                widget=forms.RadioSelect,
                initial="yes" if p.get("met", True) else "no",
            )
            self.fields[f"assessment_{req.id}"] = forms.CharField(
                label=_("Assessment"),
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=p.get("assessment", ""),
            )

    def requirement_rows(self):
        return [(req, self[f"met_{req.id}"], self[f"assessment_{req.id}"]) for req in REQUIREMENTS]

    def assessments(self) -> list[dict]:
        return [
            {
                "id": req.id,
                "met": self.cleaned_data[f"met_{req.id}"],
                "assessment": self.cleaned_data[f"assessment_{req.id}"],
            }
            for req in REQUIREMENTS
        ]
