"""Writes of the inspection course. Each function is one step, in a transaction, writing an
InspectionEvent; letters are rendered here and sent through the notifications outbox (one
row per letter, unique key, sent once on commit).

Other apps are reached through their services and selectors only: the register copy and the
obligation answer (enterprises), the provider (providers), the approval, its staff and the
follow-up task on its case (approvals), users (accounts).
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from accounts.models import Role
from accounts.selectors import enterprise_users
from approvals.services.lifecycle import followup_task_create_from_inspection
from core.jobs import due_rows_handle
from core.official import in_official_language, official_date
from notifications.attachments import Attachment
from notifications.services import notification_queue
from providers.selectors import provider_recipients

from . import attachments, letters, rules
from .models import (
    DECISION_KINDS,
    AnswerResult,
    ChecklistAnswer,
    ChecklistPoint,
    ChecklistVersion,
    DocumentPurpose,
    Finding,
    Inspection,
    InspectionDocument,
    InspectionEvent,
    InspectionStatus,
    InspectionTarget,
    Order,
    OrderExtension,
    OrderOverdueNotice,
    OrderStatus,
    PartyComment,
    Reaction,
    ReactionKind,
    Report,
)

CHECKLIST_DIR = Path(__file__).resolve().parent / "checklists"


class InspectionActionRefused(ValidationError):
    """A step that the inspection's state does not allow (shown to the user as a message)."""


# ---------------------------------------------------------------- outbox
def _notify(
    *, key: str, to: list[str], subject: str, body: str, kind: str, attachments_=(), org: str = "", user_ids=()
):
    """Queue a message in the one notifications outbox (exactly once per key)."""
    return notification_queue(
        key=key,
        to=[e for e in to if e],
        subject=subject,
        body=body,
        kind=kind,
        attachments=[
            Attachment(filename=name, content_type="application/pdf", storage_name=stored)
            for name, stored in attachments_
        ],
        recipient_org=org,
        recipient_user_ids=list(user_ids),
    )


def _party_recipients(inspection: Inspection) -> tuple[list[str], list[int]]:
    """Who hears from the inspector: the contact address given, and the inspected party's
    portal users (the provider's users and address for a BHT)."""
    if inspection.target == InspectionTarget.PROVIDER:
        users = list(inspection.provider.users.filter(is_active=True).values_list("pk", flat=True))
        emails = provider_recipients(provider=inspection.provider, extra=(inspection.contact_email,))
        return emails, users
    users = list(enterprise_users(orgnr=inspection.orgnr))
    emails = sorted({e.lower() for e in [inspection.contact_email, *(u.email for u in users)] if e})
    return emails, [u.pk for u in users]


def _portal_url(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def _letter_to_party(*, inspection: Inspection, key: str, subject: str, pdf_name: str, stored: str, text: str) -> None:
    emails, user_ids = _party_recipients(inspection)
    body = render_to_string(
        "inspections/email/letter.txt",
        {
            "inspection": inspection,
            "text": text,
            "url": _portal_url(reverse("inspections:party_detail", args=[inspection.pk])),
        },
    )
    _notify(
        key=key,
        to=emails,
        subject=subject,
        body=body,
        kind="inspection_letter",
        attachments_=[(pdf_name, stored)],
        org=inspection.orgnr,
        user_ids=user_ids,
    )


def _event(inspection: Inspection, kind: str, *, actor=None, message: str = "", **data) -> InspectionEvent:
    return InspectionEvent.objects.create(inspection=inspection, kind=kind, actor=actor, message=message, data=data)


def _date(d: datetime.date) -> str:
    return official_date(d)


def _lock(inspection: Inspection) -> Inspection:
    return Inspection.objects.select_for_update(of=("self",)).select_related("provider").get(pk=inspection.pk)


# ---------------------------------------------------------------- checklists
def checklists_load(*, directory: Path | None = None) -> list[ChecklistVersion]:
    """Load every checklist file (inspections/checklists/*.json) not loaded yet. A version
    already in the database is left as it is (versions are immutable). Returns the new ones."""
    created = []
    for path in sorted((directory or CHECKLIST_DIR).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        with transaction.atomic():
            if ChecklistVersion.objects.filter(code=data["code"], version=data["version"]).exists():
                continue
            version = ChecklistVersion.objects.create(
                code=data["code"],
                version=data["version"],
                target=data["target"],
                title_nb=data["title_nb"],
                title_en=data["title_en"],
                valid_from=datetime.date.fromisoformat(data["valid_from"]),
            )
            ChecklistPoint.objects.bulk_create(
                ChecklistPoint(
                    checklist=version,
                    number=p["number"],
                    position=i,
                    text_nb=p["text_nb"],
                    text_en=p["text_en"],
                    legal_reference=p["legal_reference"],
                    per_person=p.get("per_person", False),
                    suggested_order=p.get("suggested_order", ""),
                )
                for i, p in enumerate(data["points"], start=1)
            )
            created.append(version)
    return created


def checklist_current(*, target: str, day: datetime.date | None = None) -> ChecklistVersion:
    """The newest checklist version for the target in use on `day` (loaded on first use)."""
    day = day or timezone.localdate()
    qs = ChecklistVersion.objects.filter(target=target, valid_from__lte=day).order_by("-valid_from", "-version")
    version = qs.first()
    if version is None:
        checklists_load()
        version = qs.first()
    if version is None:
        raise InspectionActionRefused(_("No checklist is loaded for this kind of inspection."))
    return version


# ---------------------------------------------------------------- start
def inspection_start(
    *,
    actor,
    target: str,
    orgnr: str,
    name: str,
    kind: str,
    inspected_on: datetime.date,
    team: list,
    topics: str = "",
    advance_notice: str = "",
    address: str = "",
    contact_email: str = "",
    provider=None,
    approval_id: int | None = None,
) -> Inspection:
    """Start an inspection. Only inspectors can be on the team (the starting inspector is the
    one responsible). An announced inspection's notice beforehand is sent to the party."""
    members = {u.pk: u for u in [actor, *team]}
    not_inspectors = [u.get_full_name() for u in members.values() if u.role != Role.INSPECTOR]
    if not_inspectors:
        raise InspectionActionRefused(
            _("Only inspectors can take part in an inspection: %(names)s.") % {"names": ", ".join(not_inspectors)}
        )
    if target == InspectionTarget.PROVIDER and provider is None:
        raise InspectionActionRefused(_("Choose the BHT provider to inspect."))
    if kind == "announced" and not advance_notice.strip():
        raise InspectionActionRefused(
            _(
                "An announced inspection needs the notice sent beforehand: what will be looked at and which documents to have ready."
            )
        )
    checklist = checklist_current(target=target, day=inspected_on)
    with transaction.atomic():
        inspection = Inspection.objects.create(
            target=target,
            orgnr=orgnr,
            name=name,
            provider=provider,
            approval_id=approval_id,
            kind=kind,
            inspector=actor,
            inspected_on=inspected_on,
            topics=topics.strip(),
            advance_notice=advance_notice.strip(),
            address=address,
            contact_email=contact_email,
            checklist=checklist,
        )
        inspection.team.set(members.values())
        with in_official_language():
            _event(
                inspection,
                InspectionEvent.Kind.STARTED,
                actor=actor,
                message=_("%(kind)s inspection on %(date)s, checklist %(checklist)s.")
                % {"kind": inspection.get_kind_display(), "date": _date(inspected_on), "checklist": checklist},
            )
            if inspection.advance_notice:
                emails, user_ids = _party_recipients(inspection)
                _notify(
                    key=f"inspection-notice:{inspection.pk}",
                    to=emails,
                    subject=_("Notice of inspection on %(date)s") % {"date": _date(inspected_on)},
                    body=inspection.advance_notice,
                    kind="inspection_notice",
                    org=inspection.orgnr,
                    user_ids=user_ids,
                )
        return inspection


# ---------------------------------------------------------------- checklist answers, findings
def checklist_answers_save(*, inspection: Inspection, actor, answers: list[dict]) -> dict:
    """Save the answers [{"point": ChecklistPoint, "subject": str, "result": str, "note": str}].
    A point not met becomes a non-conformity finding (legal reference and intended order from
    the point); a point no longer 'not met' drops its finding unless an order was given on it."""
    counts = {"saved": 0, "findings_created": 0, "findings_removed": 0}
    with transaction.atomic():
        inspection = _lock(inspection)
        if inspection.status == InspectionStatus.CLOSED:
            raise InspectionActionRefused(_("The inspection is closed."))
        existing = {(a.point_id, a.subject): a for a in inspection.answers.select_related("finding")}
        now = timezone.now()
        for item in answers:
            point, subject = item["point"], item.get("subject", "")
            if point.checklist_id != inspection.checklist_id:
                raise InspectionActionRefused(_("The point is not on this inspection's checklist."))
            result = item["result"]
            if result not in AnswerResult.values:
                raise InspectionActionRefused(_("Unknown answer."))
            note = (item.get("note") or "").strip()
            answer = existing.get((point.pk, subject))
            if answer is None:
                answer = ChecklistAnswer(inspection=inspection, point=point, subject=subject)
            elif answer.result == result and answer.note == note:
                continue
            answer.result, answer.note, answer.answered_by, answer.answered_at = result, note, actor, now
            answer.save()
            counts["saved"] += 1
            finding = getattr(answer, "finding", None)
            if result == AnswerResult.NOT_MET and finding is None:
                what = point.text_nb + (f" ({subject})" if subject else "")
                Finding.objects.create(
                    inspection=inspection,
                    answer=answer,
                    kind=Finding.Kind.NONCONFORMITY,
                    legal_basis=point.legal_reference,
                    description=f"{_('Not met')}: {what}" + (f" {note}" if note else ""),
                    intended_order=point.suggested_order,
                )
                counts["findings_created"] += 1
            elif result != AnswerResult.NOT_MET and finding is not None and not finding.orders.exists():
                finding.delete()
                counts["findings_removed"] += 1
        if counts["saved"]:
            with in_official_language():
                _event(
                    inspection,
                    InspectionEvent.Kind.CHECKLIST,
                    actor=actor,
                    message=_("%(n)s answers saved, %(f)s new findings.")
                    % {"n": counts["saved"], "f": counts["findings_created"]},
                )
    return counts


def finding_create(
    *, inspection: Inspection, actor, kind: str, legal_basis: str, description: str, intended_order: str = ""
) -> Finding:
    if not description.strip():
        raise InspectionActionRefused(_("Describe the finding."))
    if kind == Finding.Kind.REMARK and intended_order.strip():
        raise InspectionActionRefused(_("A remark is not followed by an order; record it as a non-conformity."))
    with transaction.atomic():
        inspection = _lock(inspection)
        if inspection.status == InspectionStatus.CLOSED:
            raise InspectionActionRefused(_("The inspection is closed."))
        finding = Finding.objects.create(
            inspection=inspection,
            kind=kind,
            legal_basis=legal_basis.strip(),
            description=description.strip(),
            intended_order=intended_order.strip(),
        )
        _event(inspection, InspectionEvent.Kind.FINDING, actor=actor, message=finding.description[:200])
        return finding


def finding_update(*, finding: Finding, actor, legal_basis: str, description: str, intended_order: str) -> Finding:
    if not description.strip():
        raise InspectionActionRefused(_("Describe the finding."))
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        if finding.kind == Finding.Kind.REMARK and intended_order.strip():
            raise InspectionActionRefused(_("A remark is not followed by an order; record it as a non-conformity."))
        finding.legal_basis, finding.description = legal_basis.strip(), description.strip()
        finding.intended_order = intended_order.strip()
        finding.save(update_fields=["legal_basis", "description", "intended_order"])
        return finding


def _document_store(*, inspection: Inspection, actor, uploaded, purpose: str, **owner) -> InspectionDocument:
    checked = attachments.upload_check(uploaded)
    document = InspectionDocument(
        inspection=inspection,
        purpose=purpose,
        original_name=(getattr(uploaded, "name", "") or "dokument")[:255],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
        **owner,
    )
    document.file.save(document.original_name, ContentFile(checked.content), save=False)
    document.save()
    return document


def finding_document_add(*, finding: Finding, actor, uploaded) -> InspectionDocument:
    """A photo or PDF as evidence for a finding (checked by content)."""
    with transaction.atomic():
        return _document_store(
            inspection=finding.inspection,
            actor=actor,
            uploaded=uploaded,
            purpose=DocumentPurpose.FINDING,
            finding=finding,
        )


# ---------------------------------------------------------------- report with advance notice
def report_send(*, inspection: Inspection, actor, comment_deadline: datetime.date) -> Report:
    """Send the inspection report with advance notice of order (fvl. § 16): the PDF is
    rendered, stored and sent to the party through the outbox, with the comment deadline."""
    today = timezone.localdate()
    if not rules.comment_deadline_ok(sent_on=today, deadline=comment_deadline):
        raise InspectionActionRefused(
            _("The deadline for comments must be at least %(days)s days from today.") % {"days": rules.MIN_COMMENT_DAYS}
        )
    with transaction.atomic():
        inspection = _lock(inspection)
        if not can_proceed(inspection.send_report):
            raise InspectionActionRefused(_("The report has already been sent."))
        answers = list(
            inspection.answers.select_related("point")
            .exclude(result=AnswerResult.NOT_CHECKED)
            .order_by("point__position", "subject")
        )
        findings = list(inspection.findings.order_by("id"))
        rendered = letters.report_render(
            inspection=inspection, comment_deadline=comment_deadline, author=actor, answers=answers, findings=findings
        )
        emails, _users = _party_recipients(inspection)
        report = Report(
            inspection=inspection,
            comment_deadline=comment_deadline,
            pages=rendered.pages,
            recipients=emails,
            sent_at=timezone.now(),
            sent_by=actor,
        )
        report.pdf.save("tilsynsrapport.pdf", ContentFile(rendered.pdf), save=False)
        report.save()
        inspection.send_report()
        inspection.save()
        with in_official_language():
            _event(
                inspection,
                InspectionEvent.Kind.REPORT_SENT,
                actor=actor,
                message=_("Report with advance notice sent to %(to)s; comments by %(date)s.")
                % {"to": ", ".join(emails) or _("the portal"), "date": _date(comment_deadline)},
            )
            _letter_to_party(
                inspection=inspection,
                key=f"inspection-report:{inspection.pk}",
                subject=_("Inspection report with advance notice of order: %(name)s") % {"name": inspection.name},
                pdf_name=report.download_name,
                stored=report.pdf.name,
                text=_("Comments by %(date)s.") % {"date": _date(comment_deadline)},
            )
        return report


def comment_submit(*, inspection: Inspection, actor, text: str, files=()) -> PartyComment:
    """The inspected party answers the advance notice (with attachments); the inspector is told."""
    if not text.strip():
        raise InspectionActionRefused(_("Write your comments."))
    checked = [attachments.upload_check(f) for f in files]  # every file checked before anything is stored
    del checked
    with transaction.atomic():
        inspection = _lock(inspection)
        if inspection.status not in (InspectionStatus.REPORT_SENT, InspectionStatus.COMMENTED):
            raise InspectionActionRefused(_("There is no advance notice to comment on."))
        comment = PartyComment.objects.create(inspection=inspection, text=text.strip(), submitted_by=actor)
        for f in files:
            _document_store(
                inspection=inspection, actor=actor, uploaded=f, purpose=DocumentPurpose.COMMENT, comment=comment
            )
        if can_proceed(inspection.receive_comments):
            inspection.receive_comments()
            inspection.save()
        with in_official_language():
            _event(inspection, InspectionEvent.Kind.COMMENTED, actor=actor, message=comment.text[:300])
            _notify(
                key=f"inspection-comment:{comment.pk}",
                to=[inspection.inspector.email],
                subject=_("Comments on the advance notice: %(name)s") % {"name": inspection.name},
                body=comment.text,
                kind="inspection_comment",
                user_ids=[inspection.inspector_id],
            )
        return comment


# ---------------------------------------------------------------- orders
def order_issue(
    *, inspection: Inspection, actor, text: str, deadline: datetime.date, legal_basis: str = "", finding=None
) -> Order:
    """The order decision (vedtak om pålegg, aml. § 18-6): only after the advance notice
    (fvl. § 16), always with a compliance deadline; letter with the appeal text, sent to the party."""
    today = timezone.localdate()
    if not text.strip():
        raise InspectionActionRefused(_("Say what must be done."))
    if deadline <= today:
        raise InspectionActionRefused(_("The compliance deadline must be after today."))
    with transaction.atomic():
        inspection = _lock(inspection)
        if inspection.status not in (InspectionStatus.REPORT_SENT, InspectionStatus.COMMENTED):
            raise InspectionActionRefused(
                _("An order can only be given after the report with advance notice has been sent.")
            )
        if finding is not None and finding.inspection_id != inspection.pk:
            raise InspectionActionRefused(_("The finding is not from this inspection."))
        order = Order.objects.create(
            inspection=inspection,
            finding=finding,
            text=text.strip(),
            legal_basis=legal_basis.strip() or rules.ORDER_LEGAL_BASIS,
            issued_on=today,
            deadline=deadline,
            appeal_deadline=rules.appeal_deadline(notified_on=today),
            decided_by=actor,
        )
        rendered = letters.order_render(order=order)
        order.letter.save(order.download_name, ContentFile(rendered.pdf), save=False)
        order.letter_pages = rendered.pages
        order.save(update_fields=["letter", "letter_pages"])
        with in_official_language():
            _event(
                inspection,
                InspectionEvent.Kind.ORDER,
                actor=actor,
                message=_("Order: %(text)s Deadline %(date)s.") % {"text": order.text[:200], "date": _date(deadline)},
                order=order.pk,
            )
            _letter_to_party(
                inspection=inspection,
                key=f"inspection-order:{order.pk}",
                subject=_("Order decision: %(name)s") % {"name": inspection.name},
                pdf_name=order.download_name,
                stored=order.letter.name,
                text=_("Compliance deadline %(date)s.") % {"date": _date(deadline)},
            )
        return order


def _lock_order(order: Order) -> Order:
    return Order.objects.select_for_update(of=("self",)).select_related("inspection").get(pk=order.pk)


def order_deadline_extend(*, order: Order, actor, new_deadline: datetime.date, reason: str) -> Order:
    """Extend the deadline on the party's request, with the reason (a decision)."""
    if not reason.strip():
        raise InspectionActionRefused(_("Give the reason for the extension."))
    with transaction.atomic():
        order = _lock_order(order)
        if new_deadline <= order.deadline or new_deadline <= timezone.localdate():
            raise InspectionActionRefused(_("The new deadline must be later than the current one and than today."))
        if not can_proceed(order.extend):
            raise InspectionActionRefused(_("The order is no longer open."))
        OrderExtension.objects.create(
            order=order, old_deadline=order.deadline, new_deadline=new_deadline, reason=reason.strip(), decided_by=actor
        )
        order.extend(deadline=new_deadline)
        order.save()
        with in_official_language():
            _event(
                order.inspection,
                InspectionEvent.Kind.ORDER_EXTENDED,
                actor=actor,
                message=_("Deadline extended to %(date)s: %(reason)s")
                % {"date": _date(new_deadline), "reason": reason},
                order=order.pk,
            )
            emails, user_ids = _party_recipients(order.inspection)
            _notify(
                key=f"inspection-order-extension:{order.pk}:{new_deadline.isoformat()}",
                to=emails,
                subject=_("Deadline extended: %(name)s") % {"name": order.inspection.name},
                body=_("The deadline of the order is extended to %(date)s. Reason: %(reason)s")
                % {"date": _date(new_deadline), "reason": reason},
                kind="inspection_order_extension",
                org=order.inspection.orgnr,
                user_ids=user_ids,
            )
        return order


def order_extension_request(*, order: Order, actor, wished_deadline: datetime.date, reason: str) -> InspectionEvent:
    """The inspected party asks for more time, with its reason; the inspector decides."""
    if not reason.strip():
        raise InspectionActionRefused(_("Give the reason for the extension."))
    if wished_deadline <= order.deadline:
        raise InspectionActionRefused(_("The new deadline must be later than the current one and than today."))
    with transaction.atomic():
        order = _lock_order(order)
        if order.status not in (OrderStatus.OPEN, OrderStatus.OVERDUE):
            raise InspectionActionRefused(_("The order is no longer open."))
        with in_official_language():
            event = _event(
                order.inspection,
                InspectionEvent.Kind.EXTENSION_REQUESTED,
                actor=actor,
                message=_("Asks for the deadline %(date)s: %(reason)s")
                % {"date": _date(wished_deadline), "reason": reason.strip()},
                order=order.pk,
                wished_deadline=wished_deadline.isoformat(),
                reason=reason.strip(),
            )
            _notify(
                key=f"inspection-extension-request:{event.pk}",
                to=[order.inspection.inspector.email],
                subject=_("Request for a later deadline: %(name)s") % {"name": order.inspection.name},
                body=event.message,
                kind="inspection_extension_request",
                user_ids=[order.inspection.inspector_id],
            )
        return event


def order_compliance_upload(*, order: Order, actor, files, note: str = "") -> list[InspectionDocument]:
    """The inspected party sends proof of compliance (e.g. the signed BHT contract and the plan)."""
    if not files:
        raise InspectionActionRefused(_("Choose at least one file."))
    for f in files:
        attachments.upload_check(f)
    with transaction.atomic():
        order = _lock_order(order)
        if order.status not in (OrderStatus.OPEN, OrderStatus.OVERDUE):
            raise InspectionActionRefused(_("Compliance is already documented for this order."))
        documents = [
            _document_store(
                inspection=order.inspection, actor=actor, uploaded=f, purpose=DocumentPurpose.COMPLIANCE, order=order
            )
            for f in files
        ]
        names = ", ".join(d.original_name for d in documents)
        with in_official_language():
            _event(
                order.inspection,
                InspectionEvent.Kind.COMPLIANCE_UPLOADED,
                actor=actor,
                message=(names + (f": {note.strip()}" if note.strip() else "")),
                order=order.pk,
            )
            _notify(
                key=f"inspection-compliance-upload:{documents[0].pk}",
                to=[order.inspection.inspector.email],
                subject=_("Proof of compliance received: %(name)s") % {"name": order.inspection.name},
                body=names + ("\n\n" + note if note else ""),
                kind="inspection_compliance_upload",
                user_ids=[order.inspection.inspector_id],
            )
        return documents


def order_compliance_document(*, order: Order, actor, documentation: str) -> Order:
    """The inspector has checked the documents received: compliance is documented, and every
    coercive fine running on the order stops (from today)."""
    documentation = (documentation or "").strip()
    if not documentation:
        raise ValidationError(_("Describe the documentation of compliance."))
    with transaction.atomic():
        order = _lock_order(order)
        if not can_proceed(order.document_compliance):
            raise ValidationError(_("Compliance is already documented for this order."))
        order.document_compliance(documentation=documentation, by=actor)
        order.save()
        today = timezone.localdate()
        stopped = 0
        for fine in order.reactions.filter(kind=ReactionKind.COERCIVE_FINE, stopped_on__isnull=True):
            fine.stopped_on = max(today, fine.runs_from)
            fine.save(update_fields=["stopped_on"])
            stopped += 1
        with in_official_language():
            _event(
                order.inspection,
                InspectionEvent.Kind.COMPLIANCE,
                actor=actor,
                message=documentation[:300] + (" " + _("Coercive fine stopped.") if stopped else ""),
                order=order.pk,
            )
        return order


def order_close(*, order: Order, actor) -> Order:
    with transaction.atomic():
        order = _lock_order(order)
        if not can_proceed(order.close):
            raise InspectionActionRefused(_("Only an order whose compliance is documented can be closed."))
        order.close()
        order.save()
        with in_official_language():
            _event(
                order.inspection,
                InspectionEvent.Kind.ORDER_CLOSED,
                actor=actor,
                message=order.text[:200],
                order=order.pk,
            )
        return order


def orders_overdue_mark(*, today: datetime.date | None = None) -> dict:
    """Mark open orders whose deadline has passed as overdue and notify the inspector, one
    order per transaction under SELECT ... FOR UPDATE SKIP LOCKED (concurrent runs are safe:
    a marked order is no longer open; the notice row is unique per order, and the outbox key
    too)."""
    today = today or timezone.localdate()
    counts = {"overdue": 0, "notified": 0}

    def order_mark(order: Order) -> None:
        order.mark_overdue()
        order.save()
        with in_official_language():
            _event(
                order.inspection,
                InspectionEvent.Kind.ORDER_OVERDUE,
                message=_("The deadline %(date)s passed without documented compliance.")
                % {"date": _date(order.deadline)},
                order=order.pk,
            )
            notice, _created = OrderOverdueNotice.objects.get_or_create(order=order)
            if notice.status == OrderOverdueNotice.Status.PENDING:
                inspector = order.inspection.inspector
                notice.status = OrderOverdueNotice.Status.SENT
                notice.sent_at = timezone.now()
                notice.recipient = inspector.email
                notice.save()
                _notify(
                    key=f"order-overdue:{notice.pk}",
                    to=[inspector.email],
                    subject=_("Order deadline passed: %(name)s") % {"name": order.inspection.name},
                    body=render_to_string("inspections/email/order_overdue.txt", {"order": order}),
                    kind="order_overdue",
                    user_ids=[inspector.pk],
                )
                counts["notified"] += 1

    counts["overdue"] = due_rows_handle(
        queryset=Order.objects.select_related("inspection", "inspection__inspector").filter(
            status=OrderStatus.OPEN, deadline__lt=today
        ),
        handle=order_mark,
    )
    return counts


# ---------------------------------------------------------------- other reactions
def reaction_record(
    *,
    inspection: Inspection,
    actor,
    kind: str,
    text: str,
    order: Order | None = None,
    legal_basis: str = "",
    amount: Decimal | None = None,
    period: str = "",
    runs_from: datetime.date | None = None,
) -> Reaction:
    """Record a reaction. A coercive fine needs an order not yet met, an amount, a period and
    the date it runs from; an infringement fine an amount. Decisions (coercive fine, stoppage,
    infringement fine) get a letter with the appeal text, sent to the party; guidance and a
    police report are recorded steps."""
    if kind not in ReactionKind.values:
        raise InspectionActionRefused(_("Unknown reaction."))
    if not text.strip():
        raise InspectionActionRefused(_("Give the reasons."))
    if kind == ReactionKind.COERCIVE_FINE:
        if order is None or order.status not in (OrderStatus.OPEN, OrderStatus.OVERDUE):
            raise InspectionActionRefused(_("A coercive fine needs an order that is not yet met."))
        if not amount or amount <= 0 or period not in ("day", "week", "once") or runs_from is None:
            raise InspectionActionRefused(_("A coercive fine needs an amount, a period and the date it runs from."))
    if kind == ReactionKind.INFRINGEMENT_FINE and (not amount or amount <= 0):
        raise InspectionActionRefused(_("An infringement fine needs an amount."))
    today = timezone.localdate()
    with transaction.atomic():
        inspection = _lock(inspection)
        is_decision = kind in DECISION_KINDS
        reaction = Reaction.objects.create(
            inspection=inspection,
            order=order,
            kind=kind,
            legal_basis=legal_basis.strip() or rules.LEGAL_BASIS[kind],
            text=text.strip(),
            amount=amount if kind in (ReactionKind.COERCIVE_FINE, ReactionKind.INFRINGEMENT_FINE) else None,
            period=period if kind == ReactionKind.COERCIVE_FINE else "",
            runs_from=runs_from if kind == ReactionKind.COERCIVE_FINE else None,
            decided_by=actor,
            appeal_deadline=rules.appeal_deadline(notified_on=today) if is_decision else None,
        )
        if is_decision:
            rendered = letters.reaction_render(reaction=reaction)
            reaction.letter.save(reaction.download_name, ContentFile(rendered.pdf), save=False)
            reaction.letter_pages = rendered.pages
            reaction.save(update_fields=["letter", "letter_pages"])
        with in_official_language():
            _event(
                inspection,
                InspectionEvent.Kind.REACTION,
                actor=actor,
                message=f"{reaction.get_kind_display()}: {reaction.text[:200]}",
                reaction=reaction.pk,
            )
            if is_decision:
                _letter_to_party(
                    inspection=inspection,
                    key=f"inspection-reaction:{reaction.pk}",
                    subject=f"{letters.REACTION_TITLES[kind]}: {inspection.name}",
                    pdf_name=reaction.download_name,
                    stored=reaction.letter.name,
                    text=reaction.get_kind_display(),
                )
        return reaction


# ---------------------------------------------------------------- BHT inspections feed approvals
def followup_open(*, inspection: Inspection, actor) -> int:
    """Report a BHT inspection's § 2-2 findings to the approval unit: one follow-up task on
    the approval case (a concern report), once. Returns the task's id."""
    with transaction.atomic():
        inspection = _lock(inspection)
        if inspection.target != InspectionTarget.PROVIDER or not inspection.approval_id:
            raise InspectionActionRefused(_("Only an inspection of an approved BHT is reported to the approval unit."))
        if inspection.followup_task_id:
            return inspection.followup_task_id
        findings = [f for f in inspection.findings.order_by("id") if f.kind == Finding.Kind.NONCONFORMITY]
        if not findings:
            raise InspectionActionRefused(_("There are no non-conformities to report."))
        with in_official_language():
            task = followup_task_create_from_inspection(
                approval_id=inspection.approval_id,
                actor=actor,
                title=_("Concern report from the inspection of %(name)s on %(date)s")
                % {"name": inspection.name, "date": _date(inspection.inspected_on)},
                findings=[
                    {
                        "id": f"finding-{f.pk}",
                        "message_nb": f"{f.legal_basis}: {f.description}" if f.legal_basis else f.description,
                        "message_en": f"{f.legal_basis}: {f.description}" if f.legal_basis else f.description,
                    }
                    for f in findings
                ],
                inspection_ref=f"Tilsyn {inspection.pk}",
            )
            inspection.followup_task_id = task.pk
            inspection.save(update_fields=["followup_task_id"])
            _event(
                inspection,
                InspectionEvent.Kind.FOLLOWUP,
                actor=actor,
                message=_("Concern report with %(n)s findings sent to the approval unit.") % {"n": len(findings)},
                followup_task=task.pk,
            )
        return task.pk


def inspection_close(*, inspection: Inspection, actor) -> Inspection:
    with transaction.atomic():
        inspection = _lock(inspection)
        if inspection.orders.filter(status__in=[OrderStatus.OPEN, OrderStatus.OVERDUE]).exists():
            raise InspectionActionRefused(_("The inspection has orders that are not met yet."))
        if not can_proceed(inspection.close):
            raise InspectionActionRefused(_("The inspection is already closed."))
        inspection.close()
        inspection.save()
        with in_official_language():
            _event(inspection, InspectionEvent.Kind.CLOSED, actor=actor)
        return inspection
