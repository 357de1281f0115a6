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
from core.limits import TEXT_MAX

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class QueueFilterForm(forms.Form):
    q = forms.CharField(
        max_length=200,
        label=_("Search"),
        required=False,
        help_text=_("Case number, provider name or organisation number"),
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
    appeals = forms.BooleanField(label=_("Has an open appeal"), required=False)
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
        max_length=TEXT_MAX,
        label=_("What must the provider supplement?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The provider sees this text in the portal and gets it by e-mail."),
    )
    deadline = forms.DateField(
        label=_("Answer by"), required=False, widget=DATE_WIDGET, help_text=_("Empty: two weeks from today.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("deadline", timezone.localdate() + datetime.timedelta(days=14))

    def clean_deadline(self):
        day = self.cleaned_data["deadline"]
        return _future(day) if day else None


def _future(day: datetime.date) -> datetime.date:
    if day <= timezone.localdate():
        raise forms.ValidationError(_("The deadline must be after today."))
    return day


class NoteForm(forms.Form):
    text = forms.CharField(max_length=TEXT_MAX, label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 2}))


class RevocationNoticeForm(forms.Form):
    """Advance notice (forvaltningsloven § 16): what is intended, why, and the deadline."""

    intended = forms.CharField(
        max_length=TEXT_MAX,
        label=_("What Arbeidstilsynet intends to do"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Leave empty for: considering revoking the approval (§ 2-5)."),
    )
    reason = forms.CharField(max_length=TEXT_MAX, label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("Deadline for comments"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("deadline", timezone.localdate() + datetime.timedelta(days=30))

    def clean_deadline(self):
        return _future(self.cleaned_data["deadline"])


class RevocationDropForm(forms.Form):
    reason = forms.CharField(
        max_length=TEXT_MAX,
        label=_("Why the revocation is dropped"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AppealLateForm(forms.Form):
    """Forvaltningsloven § 31: consider a late appeal or not, with a reason."""

    consider = forms.TypedChoiceField(
        label=_("The appeal came after the deadline"),
        choices=[
            ("yes", _("Consider it (not to blame for the delay, or special reasons)")),
            ("no", _("Do not consider it")),
        ],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(max_length=TEXT_MAX, label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class AppealReverseForm(forms.Form):
    reason = forms.CharField(
        max_length=TEXT_MAX,
        label=_("Why the decision is reversed"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Printed in the new decision letter."),
    )
    valid_until = forms.DateField(
        label=_("New end of the approval period"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("For an approval with conditions or a shorter period: empty gives five years."),
    )
    conditions = forms.CharField(
        max_length=TEXT_MAX,
        label=_("Conditions after the reversal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AppealForwardForm(forms.Form):
    reason = forms.CharField(
        max_length=TEXT_MAX,
        label=_("Arbeidstilsynet's assessment of the appeal"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent with the appeal to Direktoratet for arbeidstilsynet and told to the provider."),
    )


class AppealDirectorateForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("The directorate's decision"),
        choices=[
            (Appeal.Status.DIRECTORATE_UPHELD, _("Upheld")),
            (Appeal.Status.DIRECTORATE_REVERSED, _("Reversed")),
            (Appeal.Status.DIRECTORATE_SENT_BACK, _("Sent back for new consideration")),
        ],
        widget=forms.RadioSelect,
    )
    decided_on = forms.DateField(label=_("Date of the directorate's decision"), widget=DATE_WIDGET)
    reason = forms.CharField(
        max_length=TEXT_MAX, label=_("Summary of the reasons"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    letter = forms.FileField(
        label=_("The directorate's letter (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_decided_on(self):
        day = self.cleaned_data["decided_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day


class MultiplePdfInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePdfField(forms.FileField):
    """Zero or more PDFs (each checked by the service with approvals.documents.pdf_check)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultiplePdfInput(attrs={"accept": "application/pdf,.pdf", "multiple": True}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [super(MultiplePdfField, self).clean(f, initial) for f in files]


class AppealForm(forms.Form):
    text = forms.CharField(
        max_length=TEXT_MAX,
        label=_("Grounds for the appeal"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Say which decision you appeal, what you think is wrong and what you want changed."),
    )
    files = MultiplePdfField(label=_("Attachments (PDF, optional)"))


class RequestReplyForm(forms.Form):
    text = forms.CharField(max_length=TEXT_MAX, label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 6}))
    files = MultiplePdfField(label=_("Attachments (PDF, optional)"))


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
        max_length=TEXT_MAX,
        label=_("Reason for a shorter period"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    conditions = forms.CharField(
        max_length=TEXT_MAX, label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    justification = forms.CharField(
        max_length=TEXT_MAX,
        label=_("Justification"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The main considerations in your own words; printed in the letter. Required for a rejection "
            "(why the application is rejected), for approval in special cases (the documented cooperation "
            "that covers what is missing, § 2-2 andre ledd) and for a revocation."
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
            hint = p.get("hint", "")
            if req.judgement:
                help_text = _(
                    "The rules cannot decide this: write your own assessment (it goes into the letter as written)."
                )
                if hint:
                    help_text = _("Rule result: %(hint)s %(help)s") % {"hint": hint, "help": help_text}
            elif req.special_case:
                help_text = _(
                    "Pre-filled from the rule results. In special cases, write why the requirement is set aside."
                )
            else:
                help_text = _("Pre-filled from the rule results; it goes into the letter as written.")
            self.fields[f"assessment_{req.id}"] = forms.CharField(
                max_length=TEXT_MAX,
                label=_("Assessment"),
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=p.get("assessment", ""),
                help_text=help_text,
            )

    def add_assessment_errors(self, errors: dict[str, str]) -> None:
        """Put the service's per-requirement messages (AssessmentRefused) on their fields."""
        for req_id, message in errors.items():
            self.add_error(f"assessment_{req_id}", message)

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
