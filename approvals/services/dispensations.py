"""Dispensations as individual decisions (enkeltvedtak): an enterprise applies for a
dispensation from the duty to be connected to an approved BHT (or for a change or an end of
one), or a case handler registers its application; the handler grants or refuses with
reasons; the decision letter (PDF, with the appeal text) goes out through the outbox.

The dispensation record itself belongs to enterprises (enterprises.services writes it); this
module owns the case and the decision, and calls those services (approvals is above
enterprises, so enterprises never imports approvals)."""

from __future__ import annotations

import datetime
import logging

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from accounts.models import Role, User
from approvals.models import DispensationCase
from approvals.services.cases import CaseActionRefused
from approvals.services.numbering import case_number_allocate
from core.official import in_official_language
from enterprises import services as enterprise_services
from enterprises.models import Dispensation, DispensationScope, Enterprise
from notifications.attachments import Attachment
from notifications.services import notification_queue

logger = logging.getLogger(__name__)
HANDLER_ROLES = (Role.CASE_HANDLER, Role.ADMIN)


def _may_apply_for(actor, orgnr: str) -> bool:
    role = getattr(actor, "role", None)
    return role in HANDLER_ROLES or (role == Role.ENTERPRISE and actor.enterprise_orgnr == orgnr)


@in_official_language
def dispensation_apply(
    *,
    enterprise: Enterprise,
    actor: AbstractBaseUser,
    grounds: str,
    kind: str = DispensationCase.Kind.NEW,
    dispensation: Dispensation | None = None,
    scope: str = DispensationScope.WHOLE,
    part: str = "",
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
) -> DispensationCase:
    """An application for a dispensation, its change or its end, by the enterprise's own user
    or by a case handler on its behalf. Gets a case number from the same series as approvals."""
    if not _may_apply_for(actor, enterprise.orgnr):
        raise CaseActionRefused(_("Only the enterprise's own users or a case handler can apply."))
    grounds = (grounds or "").strip()
    if not grounds:
        raise CaseActionRefused(_("Give the grounds for the application."))
    if kind not in DispensationCase.Kind.values:
        raise CaseActionRefused(_("Unknown kind of application."))
    if kind != DispensationCase.Kind.NEW:
        if dispensation is None or dispensation.enterprise_id != enterprise.orgnr:
            raise CaseActionRefused(_("Choose the dispensation to change or end."))
    elif scope == DispensationScope.PARTIAL and not part.strip():
        raise CaseActionRefused(_("Name the part of the enterprise the dispensation is for."))
    if kind != DispensationCase.Kind.END and valid_from and valid_until and valid_until < valid_from:
        raise CaseActionRefused(_("The end date cannot be before the start date."))
    with transaction.atomic():
        now = timezone.now()
        _seq, number = case_number_allocate(year=timezone.localdate().year)
        case = DispensationCase.objects.create(
            case_number=number,
            enterprise=enterprise,
            kind=kind,
            dispensation=dispensation,
            scope=scope if kind != DispensationCase.Kind.END else "",
            part=part.strip() if scope == DispensationScope.PARTIAL else "",
            valid_from=valid_from or (timezone.localdate() if kind == DispensationCase.Kind.NEW else None),
            valid_until=valid_until,
            grounds=grounds,
            applied_by=actor,
            applied_at=now,
        )
        _notify_enterprise(
            case=case,
            key=f"dispensation-received:{case.pk}",
            subject=_("Case %(number)s: your application for a dispensation is received") % {"number": number},
            body=_(
                "Arbeidstilsynet has received the application (%(kind)s) for %(name)s, case %(number)s. "
                "You will get a decision letter."
            )
            % {"kind": case.get_kind_display().lower(), "name": enterprise.name, "number": number},
        )
    return case


def _enterprise_recipients(orgnr: str) -> tuple[list[str], list[int]]:
    users = list(User.objects.filter(role=Role.ENTERPRISE, enterprise_orgnr=orgnr, is_active=True))
    return [u.email for u in users if u.email], [u.pk for u in users]


def _notify_enterprise(*, case: DispensationCase, key: str, subject: str, body: str, attachments=()):
    to, user_ids = _enterprise_recipients(case.enterprise_id)
    if case.applied_by.email and case.applied_by.role == Role.ENTERPRISE:
        to.append(case.applied_by.email)
    return notification_queue(
        key=key,
        to=to,
        subject=subject,
        body=body,
        kind="dispensation",
        attachments=attachments,
        recipient_org=case.enterprise_id,
        recipient_user_ids=user_ids,
    )


@in_official_language
def dispensation_decide(
    *, case: DispensationCase, actor: AbstractBaseUser, grant: bool, reasons: str
) -> DispensationCase:
    """Grant or refuse, with the handler's reasons (forvaltningsloven § 25). Granting records,
    changes or ends the dispensation (enterprises.services); either way the decision letter
    with the appeal text is made and sent after commit (dispensation_letter_send)."""
    if getattr(actor, "role", None) not in HANDLER_ROLES:
        raise CaseActionRefused(_("Only case handlers can do this."))
    reasons = (reasons or "").strip()
    if not reasons:
        raise CaseActionRefused(_("Give the reasons for the decision."))
    with transaction.atomic():
        case = (
            DispensationCase.objects.select_for_update(of=("self",))
            .select_related("enterprise", "dispensation")
            .get(pk=case.pk)
        )
        method = case.grant if grant else case.refuse
        if not can_proceed(method):
            raise CaseActionRefused(
                _("Case %(number)s has already been decided (%(status)s).")
                % {"number": case.case_number, "status": case.get_status_display()}
            )
        method()
        if grant:
            if case.kind == DispensationCase.Kind.NEW:
                case.dispensation = enterprise_services.dispensation_create(
                    enterprise=case.enterprise,
                    scope=case.scope or DispensationScope.WHOLE,
                    part=case.part,
                    valid_from=case.valid_from or timezone.localdate(),
                    valid_until=case.valid_until,
                    reason=reasons,
                    decided_by=actor,
                )
            elif case.kind == DispensationCase.Kind.CHANGE:
                enterprise_services.dispensation_change(
                    dispensation=case.dispensation,
                    scope=case.scope or case.dispensation.scope,
                    part=case.part,
                    valid_until=case.valid_until,
                    reason=reasons,
                )
            else:
                enterprise_services.dispensation_end(
                    dispensation=case.dispensation, on=case.valid_until or timezone.localdate(), reason=reasons
                )
        case.decided_by, case.decided_at, case.reasons = actor, timezone.now(), reasons
        case.save(update_fields=["status", "dispensation", "decided_by", "decided_at", "reasons"])
        case_id = case.pk

        def enqueue():
            from approvals.tasks import dispensation_letter_task

            try:
                dispensation_letter_task.delay(case_id)
            except Exception:  # noqa: BLE001 - broker down: the sweep sends it
                logger.exception("Could not queue the dispensation letter %s", case_id)

        transaction.on_commit(enqueue)
    return case


@in_official_language
def dispensation_letter_send(*, case_id: int) -> bool:
    """Make the decision letter once and hand it to the outbox once."""
    from approvals.letters import dispensation_render

    with transaction.atomic():
        case = (
            DispensationCase.objects.select_for_update(of=("self",))
            .select_related("enterprise", "decided_by", "dispensation")
            .filter(pk=case_id)
            .exclude(status=DispensationCase.Status.SUBMITTED)
            .first()
        )
        if case is None or case.notification_id is not None:
            return False
        if not case.letter:
            rendered = dispensation_render(case=case)
            case.letter.save(case.download_name, ContentFile(rendered.pdf), save=False)
            case.letter_pages = rendered.pages
        case.notification = _notify_enterprise(
            case=case,
            key=f"dispensation-decision:{case.pk}",
            subject=_("Case %(number)s: decision on dispensation – %(outcome)s")
            % {"number": case.case_number, "outcome": case.get_status_display().lower()},
            body=_(
                "Arbeidstilsynet has decided the application in case %(number)s (%(name)s). The decision letter "
                "is attached and is in BHT-portalen.\n\nThe appeal deadline is three weeks from the day you "
                "received this e-mail (forvaltningsloven §§ 28–30)."
            )
            % {"number": case.case_number, "name": case.enterprise.name},
            attachments=[Attachment(case.download_name, "application/pdf", storage_name=case.letter.name)],
        )
        case.save(update_fields=["letter", "letter_pages", "notification"])
    return True


def dispensation_letters_run() -> dict:
    ids = (
        DispensationCase.objects.filter(notification__isnull=True)
        .exclude(status="submitted")
        .values_list("pk", flat=True)
    )
    return {"sent": sum(1 for pk in list(ids) if dispensation_letter_send(case_id=pk))}
