"""The provider's side of approvals: drafts, staff roster, documents, submission, revisions.

A draft is edited freely; a submitted version is frozen (every write here refuses anything
but a draft). The first submission opens a case with a YYYY/NNNN number; a later version on
the same case (application_revise) is a supplement, handed to the case handler's service.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from approvals import rules
from approvals.documents import pdf_check, pdf_store, upload_name
from approvals.models import (
    Application,
    ApplicationDepartment,
    ApplicationDocument,
    ApplicationStatus,
    Approval,
    Case,
    CaseEvent,
    CaseStatus,
    DocumentKind,
    StaffMember,
)
from approvals.selectors.applications import (
    REQUIRED_DOCUMENT_KINDS,
    application_evaluate,
    application_pending_refusal,
)
from approvals.services.cases import case_supplement
from approvals.services.events import case_event_record
from approvals.services.numbering import case_number_allocate
from core.official import in_official_language
from notifications.services import notification_queue
from providers import services as provider_services
from providers.models import DEPARTMENT_FIELDS, ORGANISATION_FIELDS, Provider

logger = logging.getLogger(__name__)

# Every organisation field but the municipality number must be filled in before submission.
REQUIRED_ORGANISATION_FIELDS = tuple(f for f in ORGANISATION_FIELDS if f != "municipality_number")
STAFF_FIELDS = rules.StaffInput.FIELDS
# A provider may supplement a case only while the case handler waits for more information.
REVISABLE_CASE_STATUSES = (CaseStatus.AWAITING_INFORMATION,)


class ApplicationFrozen(Exception):
    """A write to a submitted (frozen) version."""


class ApplicationIncomplete(ValidationError):
    """Submission refused; `messages` lists what is missing, for the user."""


# ---------------------------------------------------------------- helpers
def _require_draft(application: Application) -> None:
    if application.status != ApplicationStatus.DRAFT:
        raise ApplicationFrozen(_("This version has been submitted and can no longer be changed."))


def _lock(application: Application) -> Application:
    return Application.objects.select_for_update(of=("self",)).select_related("provider", "case").get(pk=application.pk)


def _register_unit(orgnr: str) -> dict:
    """Name and address from our copy of the enterprise register (Enhetsregisteret), if known."""
    from enterprises.selectors import enterprise_get_by_orgnr

    unit = enterprise_get_by_orgnr(orgnr=orgnr)
    if unit is None:
        return {}
    found = {
        "name": unit.name,
        "street_address": unit.address,
        "postcode": unit.postcode[:4],
        "city": unit.city,
        "municipality_number": unit.municipality_number,
    }
    return {k: v for k, v in found.items() if v}


# ---------------------------------------------------------------- drafts
def application_create(
    *,
    provider: Provider,
    renews: Approval | None = None,
    source: Application | None = None,
    roster: Sequence[rules.StaffInput] = (),
) -> Application:
    """A new draft, pre-filled from the provider (its register data, which change notices keep
    current; blanks from the national register copy) and its departments.

    A renewal (`renews`) also carries the roster as it stands today (`roster`) and the stored
    documents of the approved application (`source`; its departments when the register has
    none), every copied row marked carried_over. Refused (ValidationError) while one of the
    provider's cases is pending."""
    with transaction.atomic():
        refusal = application_pending_refusal(provider_id=provider.pk)
        if refusal:
            raise ValidationError(refusal, code="pending")
        data = {f: getattr(provider, f) for f in ORGANISATION_FIELDS}
        data.update({k: v for k, v in _register_unit(provider.orgnr).items() if not data.get(k)})
        if source is not None:
            data["form"] = source.form
        application = Application.objects.create(provider=provider, renews=renews, **data)
        departments = list(provider.departments.all())
        if not departments and source is not None:
            departments = list(source.departments.all())
        _copy_rows(
            application,
            departments=departments,
            staff=roster,
            documents=source.documents.all() if source is not None else (),
            carried_over=renews is not None,
        )
    return application


def _copy_rows(draft: Application, *, departments, staff, documents, carried_over: bool | None) -> None:
    """Copy department, staff and document rows into `draft` (documents point to the same
    stored files, never copies). carried_over=None keeps each row's own flag (a new version);
    the history table records every row."""

    def flag(row) -> bool:
        return getattr(row, "carried_over", False) if carried_over is None else carried_over

    bulk_create_with_history(
        [
            ApplicationDepartment(
                application=draft, carried_over=flag(d), **{f: getattr(d, f) for f in DEPARTMENT_FIELDS}
            )
            for d in departments
        ],
        ApplicationDepartment,
    )
    # staff: roster entries (a renewal) or StaffMember rows (a new version)
    entries = [(s, s if isinstance(s, rules.StaffInput) else s.roster_entry()) for s in staff]
    bulk_create_with_history(
        [StaffMember(application=draft, carried_over=flag(s), **entry.model_fields()) for s, entry in entries],
        StaffMember,
    )
    bulk_create_with_history(
        [
            ApplicationDocument(
                application=draft,
                kind=d.kind,
                file=d.file.name,
                original_name=d.original_name,
                size=d.size,
                sha256=d.sha256,
                uploaded_by=d.uploaded_by,
                carried_over=flag(d),
            )
            for d in documents
        ],
        ApplicationDocument,
    )


def application_save_draft(
    *,
    application: Application,
    organisation: dict,
    departments: list[dict],
    staff: list[dict],
) -> Application:
    """Save the edit form: organisation fields, and the departments and staff rows in order
    (existing rows are updated in place, new ones added, the rest removed)."""
    with transaction.atomic():
        application = _lock(application)
        _require_draft(application)
        for f in ORGANISATION_FIELDS:
            if f in organisation:
                setattr(application, f, organisation[f] if organisation[f] is not None else "")
        application.full_clean(
            exclude=["provider", "case", "previous", "renews", "submitted_by", "status", "evaluation"]
        )
        application.save()
        _replace_rows(
            application.departments.order_by("id"), ApplicationDepartment, application, departments, DEPARTMENT_FIELDS
        )
        _replace_rows(application.staff.order_by("id"), StaffMember, application, staff, STAFF_FIELDS)
    return application


def _replace_rows(existing_qs, model, application, rows: list[dict], fields) -> None:
    existing = list(existing_qs)
    for i, row in enumerate(rows):
        obj = existing[i] if i < len(existing) else model(application=application)
        for f in fields:
            if f in row:
                value = row[f]
                if value is None and f.startswith("fte_"):
                    value = Decimal("0")
                if value is None and f not in ("training_completed_on",):
                    value = ""
                setattr(obj, f, value)
        obj.full_clean(exclude=["application"])
        obj.save()
    for obj in existing[len(rows) :]:
        obj.delete()


def application_declare(
    *,
    application: Application,
    declaration_accepted: bool,
    special_case_requested: bool,
    special_case_explanation: str,
) -> Application:
    """Store the submit page's choices on the draft (kept even when submission is refused)."""
    with transaction.atomic():
        application = _lock(application)
        _require_draft(application)
        application.declaration_accepted = declaration_accepted
        application.special_case_requested = special_case_requested and bool(special_case_explanation.strip())
        application.special_case_explanation = special_case_explanation.strip()
        application.save(
            update_fields=["declaration_accepted", "special_case_requested", "special_case_explanation", "updated_at"]
        )
    return application


# ---------------------------------------------------------------- documents
def document_add(
    *, application: Application, kind: str, uploaded, actor: AbstractBaseUser | None = None
) -> ApplicationDocument:
    """Check an uploaded file (a real, harmless PDF ≤ 20 MB, see approvals.documents) and
    store it privately under a random name, keeping the original name and its SHA-256."""
    if kind not in DocumentKind.values:
        raise ValidationError(_("Choose what the document documents."))
    checked = pdf_check(uploaded)
    original = upload_name(uploaded)
    with transaction.atomic():
        application = _lock(application)
        _require_draft(application)
        document = ApplicationDocument(
            application=application,
            kind=kind,
            original_name=original,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=actor,
        )
        pdf_store(document=document, checked=checked)
    return document


def document_remove(*, document: ApplicationDocument) -> None:
    """Remove a document from a draft. The stored file is deleted only when no other version
    (row) still points to it."""
    with transaction.atomic():
        application = _lock(document.application)
        _require_draft(application)
        name = document.file.name
        storage = document.file.storage
        document.delete()
        if not ApplicationDocument.objects.filter(file=name).exists():
            transaction.on_commit(lambda: storage.delete(name))


# ---------------------------------------------------------------- submission
def application_problems(
    *, application: Application, evaluation: rules.Evaluation | None = None, include_declaration: bool = True
) -> list[str]:
    """What stops submission, as sentences for the user (empty when it can be submitted).
    `include_declaration=False` leaves out the declaration, for the page where it is ticked."""
    evaluation = evaluation or application_evaluate(application=application)
    problems = []
    missing_fields = [
        str(Application._meta.get_field(f).verbose_name)
        for f in REQUIRED_ORGANISATION_FIELDS
        if not getattr(application, f)
    ]
    if missing_fields:
        problems.append(_("Fill in the organisation's %(fields)s.") % {"fields": ", ".join(missing_fields)})
    if not application.departments.exists():
        problems.append(_("Add at least one department."))
    if not application.staff.exists():
        problems.append(_("Add at least one person to the staff roster."))
    present = set(application.documents.values_list("kind", flat=True))
    missing_docs = [str(DocumentKind(k).label) for k in REQUIRED_DOCUMENT_KINDS if k not in present]
    if missing_docs:
        problems.append(_("Upload these documents: %(kinds)s.") % {"kinds": ", ".join(missing_docs)})
    if not evaluation.approvable and not (
        application.special_case_requested and application.special_case_explanation.strip()
    ):
        problems.append(
            _(
                "Not every approval requirement is met. Tick that you ask for approval in special cases "
                "and explain the cooperation that covers what is missing."
            )
        )
    if include_declaration and not application.declaration_accepted:
        problems.append(_("Confirm the declaration."))
    if application.case_id is None:  # a new case; a supplement goes on its own pending case
        refusal = application_pending_refusal(provider_id=application.provider_id)
        if refusal:
            problems.insert(0, refusal)
    return problems


def application_submit(*, application: Application, actor: AbstractBaseUser) -> Application:
    """Submit a complete draft and freeze it, with its rule evaluation.

    First version: a new case (YYYY/NNNN), event SUBMITTED, receipt e-mail on commit.
    A later version on the same case: a supplement (approvals.services.cases.case_supplement).
    """
    with transaction.atomic():
        # The provider row first: "one pending case per provider" (application_pending_refusal)
        # is checked and the case created under it, so two submissions at once cannot both
        # pass the check. Provider before application, as every other path takes them.
        provider_services.provider_lock(provider_id=application.provider_id)
        application = _lock(application)
        _require_draft(application)
        evaluation = application_evaluate(application=application)
        problems = application_problems(application=application, evaluation=evaluation)
        if problems:
            raise ApplicationIncomplete(problems)
        now = timezone.now()
        supplement = application.case_id is not None
        if supplement:
            case = application.case
        else:
            year = timezone.localdate(now).year
            sequence, number = case_number_allocate(year=year)
            renews = application.renews
            # Sent before the approval ends: decided by its last day.
            decide_by = renews.valid_until if renews and renews.valid_until >= timezone.localdate(now) else None
            case = Case.objects.create(
                case_number=number,
                year=year,
                sequence=sequence,
                provider=application.provider,
                received_at=now,
                renews=renews,
                decide_by=decide_by,
                failed_rule_count=len(evaluation.failed),
                warning_count=len(evaluation.warnings),
            )
            application.case = case
        application.submitted_at = now
        application.submitted_by = actor
        application.evaluation = evaluation.as_dict()
        application.submit()
        application.save()
        if supplement:
            case_supplement(case=case, application=application, actor=actor)
        else:
            with in_official_language():  # the case record is in Norwegian
                submitted_message = _("Application submitted by %(name)s.") % {"name": actor.get_full_name()}
            case_event_record(
                case=case,
                kind=CaseEvent.Kind.SUBMITTED,
                actor=actor,
                message=submitted_message,
                data={
                    "application_id": application.pk,
                    "version": application.version,
                    "approvable": evaluation.approvable,
                    "failed_rules": [r.id for r in evaluation.failed],
                    "special_case_requested": application.special_case_requested,
                },
            )
        _receipt_queue(application=application, case=case, actor=actor, supplement=supplement)
    return application


@in_official_language
def _receipt_queue(*, application: Application, case: Case, actor, supplement: bool) -> None:
    """The receipt (one per submitted version) to the submitter and the application's address,
    through the outbox: sent once the submission commits."""
    context = {"application": application, "case": case, "supplement": supplement}
    notification_queue(
        key=f"application-receipt:{application.pk}",
        kind="application_receipt",
        to=[getattr(actor, "email", ""), application.email],
        subject=_("Receipt: application received (case %(number)s)") % {"number": case.case_number},
        body=render_to_string("approvals/provider/email/receipt.txt", context),
        recipient_org=application.orgnr,
        recipient_user_ids=[actor.pk] if getattr(actor, "pk", None) else [],
    )


# ---------------------------------------------------------------- revisions
def application_revise(*, application: Application) -> Application:
    """A new draft version on the same case, copied from the submitted `application`
    (organisation data, departments, staff, document rows pointing to the same stored files).
    The submitted version stays as it was. An open draft on the case is returned as is."""
    with transaction.atomic():
        application = _lock(application)
        if application.status != ApplicationStatus.SUBMITTED or application.case_id is None:
            raise ApplicationFrozen(_("Only a submitted application can be revised."))
        case = Case.objects.select_for_update(of=("self",)).get(pk=application.case_id)
        existing = case.applications.filter(status=ApplicationStatus.DRAFT).order_by("-version").first()
        if existing is not None:
            return existing
        if case.status not in REVISABLE_CASE_STATUSES:
            raise ApplicationFrozen(
                _("The case is “%(status)s”: a new version can be sent only when more information is requested.")
                % {"status": case.get_status_display()}
            )
        latest = case.applications.aggregate(v=Max("version"))["v"] or application.version
        draft = Application.objects.create(
            provider=application.provider,
            case=case,
            version=latest + 1,
            previous=application,
            renews=application.renews,
            special_case_requested=application.special_case_requested,
            special_case_explanation=application.special_case_explanation,
            **{f: getattr(application, f) for f in ORGANISATION_FIELDS},
        )
        _copy_rows(
            draft,
            departments=application.departments.order_by("id"),
            staff=application.staff.order_by("id"),
            documents=application.documents.order_by("id"),
            carried_over=None,
        )
    return draft
