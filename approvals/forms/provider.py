"""The provider's application forms: organisation, departments, staff roster, documents,
submission. FTEs are typed as a percentage ("30", "30 %") or a decimal ("0,3"), read exactly
by approvals.rules.parse_fte. Every error is a sentence in the user's language."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import RegexValidator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from approvals import rules
from approvals.documents import pdf_check
from approvals.models import Application, ApplicationDepartment, DocumentKind
from core.orgnr import OrgnrError, parse_orgnr
from providers.models import DEPARTMENT_FIELDS, ORGANISATION_FIELDS
from providers.vocabulary import DISCIPLINE_FIELDS, Discipline, EmploymentType, Profession

DISCIPLINE_LABELS = dict(Discipline.choices)
four_digits = RegexValidator(r"^\d{4}$", _("Enter four digits."))
REQUIRED = _("This field is required.")


def fte_display(value: Decimal | None) -> str:
    """An FTE as the form shows it: a percentage with a comma, e.g. "30 %" or "33,3 %"."""
    if not value:  # None or zero: an empty field
        return ""
    percent = (value * 100).normalize()
    return f"{percent:f}".replace(".", ",") + " %"


class FTEField(forms.CharField):
    """FTE typed as percent or decimal; cleaned to an exact Decimal (or 0 when optional and blank)."""

    def __init__(self, *, allow_zero: bool = False, **kwargs):
        self.allow_zero = allow_zero
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off", "size": 7})
        return attrs

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return Decimal("0") if self.allow_zero else None
        try:
            return rules.parse_fte(value, allow_zero=self.allow_zero)
        except rules.FTEError as exc:
            raise forms.ValidationError(exc.message, code="fte") from None


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = list(ORGANISATION_FIELDS)
        error_messages = {
            "name": {"required": _("Enter the organisation's name.")},
            "orgnr": {"required": _("Enter the organisation number (nine digits).")},
            "email": {"invalid": _("Enter a valid e-mail address, e.g. post@bht.no.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["orgnr"].help_text = _("Nine digits; name and address are filled from the register when known.")
        self.fields["orgnr"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self.fields["postcode"].validators.append(four_digits)
        self.fields["municipality_number"].validators.append(four_digits)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"

    def clean_orgnr(self):
        try:
            return parse_orgnr(self.cleaned_data.get("orgnr") or "")
        except OrgnrError as exc:
            raise forms.ValidationError(exc.message, code=exc.check) from None


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Department name"), max_length=200, error_messages={"required": REQUIRED})
    street_address = forms.CharField(label=_("Street address"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=4, required=False, validators=[four_digits])
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    municipality_number = forms.CharField(
        label=_("Municipality number"),
        max_length=4,
        validators=[four_digits],
        error_messages={"required": _("Enter the municipality number (four digits).")},
    )

    @staticmethod
    def initial_from(dep: ApplicationDepartment) -> dict:
        return {f: getattr(dep, f) for f in DEPARTMENT_FIELDS}

    def row(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "DELETE"}


class StaffForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, error_messages={"required": _("Enter the person's name.")})
    profession = forms.ChoiceField(
        label=_("Profession"),
        choices=[("", "—")] + list(Profession.choices),
        error_messages={"required": _("Choose a profession.")},
    )
    hpr_number = forms.CharField(
        label=_("HPR number"),
        max_length=9,
        required=False,
        validators=[RegexValidator(r"^\d{1,9}$", _("The HPR number has digits only (up to nine)."))],
        help_text=_("For health personnel."),
    )
    fte = FTEField(
        label=capfirst(_("FTE in the BHT")),
        help_text=_("Percent (30 or 30 %) or decimal (0,3)."),
        error_messages={"required": _("Enter the FTE, e.g. 30 %.")},
    )
    fte_occupational_medicine = FTEField(
        label=DISCIPLINE_LABELS["occupational_medicine"], allow_zero=True, required=False
    )
    fte_occupational_hygiene = FTEField(
        label=DISCIPLINE_LABELS["occupational_hygiene"], allow_zero=True, required=False
    )
    fte_ergonomics = FTEField(label=DISCIPLINE_LABELS["ergonomics"], allow_zero=True, required=False)
    fte_psychosocial = FTEField(label=DISCIPLINE_LABELS["psychosocial"], allow_zero=True, required=False)
    fte_systematic_hse = FTEField(label=DISCIPLINE_LABELS["systematic_hse"], allow_zero=True, required=False)
    employment = forms.ChoiceField(
        label=_("Employment type"), choices=EmploymentType.choices, initial=EmploymentType.PERMANENT
    )
    training_completed_on = forms.DateField(
        label=_("Mandatory training completed"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={"invalid": _("Enter a date, e.g. 15.01.2024.")},
        help_text=_("Date (§ 2-3); empty if not completed."),
    )

    DISCIPLINE_FIELDS = DISCIPLINE_FIELDS

    @staticmethod
    def initial_from(entry: rules.StaffInput) -> dict:
        """The form's initial data for one person of a roster (StaffMember.roster_entry())."""
        data = entry.model_fields()
        for f in ("fte", *DISCIPLINE_FIELDS.values()):
            data[f] = fte_display(data[f])
        return data

    def clean(self):
        data = super().clean()
        fte = data.get("fte")
        disciplines = [data.get(f) for f in self.DISCIPLINE_FIELDS.values()]
        if fte is not None and all(d is not None for d in disciplines):
            total = rules.discipline_sum_exceeding(fte, dict(zip(self.DISCIPLINE_FIELDS, disciplines, strict=True)))
            if total is not None:
                raise forms.ValidationError(
                    _("The FTE per discipline add up to %(sum)s, more than the person's FTE in the BHT (%(fte)s).")
                    % {"sum": fte_display(total), "fte": fte_display(fte)},
                    code="discipline_sum",
                )
        return data

    def row(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "DELETE"}

    def staff_input(self) -> rules.StaffInput:
        return rules.staff_entry(self.cleaned_data)


class _Formset(forms.BaseFormSet):
    deletion_widget = forms.CheckboxInput

    def kept_forms(self):
        """Filled-in rows not marked for deletion (after is_valid)."""
        return [
            f
            for f in self.forms
            if f.has_changed() and not (self.can_delete and self._should_delete_form(f)) and f.is_valid()
        ]


class DepartmentFormSetBase(_Formset):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not self.kept_forms():
            raise forms.ValidationError(_("Add at least one department."), code="no_department")


DepartmentFormSet = forms.formset_factory(DepartmentForm, formset=DepartmentFormSetBase, extra=1, can_delete=True)
StaffFormSetBase = _Formset
StaffFormSet = forms.formset_factory(StaffForm, formset=StaffFormSetBase, extra=1, can_delete=True)


def add_row(data, prefix: str):
    """A copy of POST data with one more (empty) row in the formset `prefix`."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        data[key] = str(int(data.get(key, "0")) + 1)
    except ValueError:
        pass
    return data


def staff_rule_input(formset, *, documents: dict, other_fte_by_hpr: dict) -> tuple[rules.RuleInput, list[str]]:
    """The rule engine's input from UNSAVED roster rows: valid, kept rows count. Beside it, a
    sentence per row left out because of errors, naming the person and the problem."""
    formset.is_valid()
    staff, left_out = [], []
    for number, f in enumerate(formset.forms, start=1):
        if not f.has_changed() or (formset.can_delete and formset._should_delete_form(f)):
            continue
        if f.is_valid():
            staff.append(f.staff_input())
        else:
            who = (f.data.get(f.add_prefix("name")) or "").strip() or _("Person %(n)s") % {"n": number}
            problems = [str(e) for e in f.non_field_errors()] + [
                f"{f.fields[name].label}: {e}" for name, errs in f.errors.items() if name != "__all__" for e in errs
            ]
            left_out.append(f"{who}: {' '.join(problems)}")
    return rules.RuleInput(staff=staff, documents=documents, other_fte_by_hpr=other_fte_by_hpr), left_out


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the document shows"),
        choices=[("", "—")] + list(DocumentKind.choices),
        error_messages={"required": _("Choose what the document shows.")},
    )
    file = forms.FileField(
        label=_("PDF file (at most 20 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        error_messages={"required": _("Choose a PDF file."), "empty": _("The file is empty.")},
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        pdf_check(uploaded)  # raises ValidationError with the reason
        uploaded.seek(0)
        return uploaded


class SubmitForm(forms.Form):
    special_case_requested = forms.BooleanField(
        label=_("We ask for approval in special cases (§ 2-2)"),
        required=False,
        help_text=_("Only when requirements are not met: explain the cooperation that covers what is missing."),
    )
    special_case_explanation = forms.CharField(
        label=_("Cooperation with other competence environments that covers what is missing"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    declaration_accepted = forms.BooleanField(
        label=_(
            "We declare that the information is correct and complete, and that we will report changes "
            "that affect the approval."
        ),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("special_case_requested") and not (data.get("special_case_explanation") or "").strip():
            self.add_error(
                "special_case_explanation",
                forms.ValidationError(_("Explain the cooperation that covers what is missing."), code="required"),
            )
        return data
