"""Forms for the change notice (endringsmelding). The department and staff rows reuse the
application forms (approvals.forms.provider), so a roster is entered the same way."""

from django import forms
from django.utils.translation import gettext_lazy as _

from approvals import rules
from approvals.forms.provider import (
    DepartmentForm,
    DepartmentFormSetBase,
    StaffForm,
    StaffFormSetBase,
    four_digits,
)


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


class RegisteredRowMixin(forms.Form):
    """A roster or department row that may be one already registered. The name as registered
    travels in a hidden field, so after a validation error (the form bound to the POST, with
    no initial data) the card keeps its heading and its "Remove" box, ticked or not."""

    registered_name = forms.CharField(required=False, widget=forms.HiddenInput)
    new_row_label = _("New row")

    @property
    def is_registered(self) -> bool:
        return bool((self["registered_name"].value() or "").strip())

    @property
    def legend(self) -> str:
        return (self["registered_name"].value() or "").strip() or self.new_row_label


class ChangeDepartmentForm(RegisteredRowMixin, DepartmentForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    new_row_label = _("New department")


class ChangeStaffForm(RegisteredRowMixin, StaffForm):
    new_row_label = _("New person")


ChangeDepartmentFormSet = forms.formset_factory(
    ChangeDepartmentForm, formset=DepartmentFormSetBase, extra=1, can_delete=True
)
ChangeStaffFormSet = forms.formset_factory(ChangeStaffForm, formset=StaffFormSetBase, extra=1, can_delete=True)


class ChangeNoticeCommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example when the change takes effect, or who replaces whom."),
    )
    # One token per form shown: the same form sent twice (double click, back button) makes one notice.
    token = forms.UUIDField(widget=forms.HiddenInput, required=False)


def department_initial(departments: list[dict]) -> list[dict]:
    """Form rows from selectors.approval_current_departments (dicts, `id` for registered ones)."""
    return [{**d, "registered_name": d["name"]} for d in departments]


def staff_initial(roster: list[rules.StaffInput]) -> list[dict]:
    # registered_name: the card keeps its heading and "Remove" box after a validation error
    return [{**StaffForm.initial_from(entry), "registered_name": entry.name} for entry in roster]


def staff_rows(formset) -> list[rules.StaffInput]:
    """The roster (as change_notice_submit takes it) from the formset's kept rows."""
    return [f.staff_input() for f in formset.kept_forms()]


class FollowUpCloseForm(forms.Form):
    resolution = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
