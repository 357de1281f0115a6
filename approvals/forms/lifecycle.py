"""Forms for the change notice (endringsmelding). The department and staff rows reuse the
application forms (approvals.forms.provider), so a roster is entered the same way."""

from django import forms
from django.utils.translation import gettext_lazy as _

from approvals import rules
from approvals.forms.provider import (
    DepartmentForm,
    DepartmentFormSetBase,
    StaffForm,
    StaffFormSet,
    four_digits,
)
from providers.models import DEPARTMENT_FIELDS


class ContactForm(forms.Form):
    contact_person = forms.CharField(label=_("Contact person"), max_length=200)
    email = forms.EmailField(label=_("E-mail"))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    street_address = forms.CharField(label=_("Street address"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=4, required=False, validators=[four_digits])
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    municipality_number = forms.CharField(
        label=_("Municipality number"), max_length=4, required=False, validators=[four_digits]
    )


class ChangeDepartmentForm(DepartmentForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)


ChangeDepartmentFormSet = forms.formset_factory(
    ChangeDepartmentForm, formset=DepartmentFormSetBase, extra=1, can_delete=True
)
ChangeStaffFormSet = StaffFormSet


class ChangeNoticeCommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example when the change takes effect, or who replaces whom."),
    )


def department_initial(departments) -> list[dict]:
    return [
        {
            "id": d.pk,
            **{f: getattr(d, f) for f in DEPARTMENT_FIELDS},
        }
        for d in departments
    ]


def staff_initial(roster: list[rules.StaffInput]) -> list[dict]:
    return [StaffForm.initial_from(entry) for entry in roster]


def staff_rows(formset) -> list[rules.StaffInput]:
    """The roster (as change_notice_submit takes it) from the formset's kept rows."""
    return [f.staff_input() for f in formset.kept_forms()]


class FollowUpCloseForm(forms.Form):
    resolution = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
