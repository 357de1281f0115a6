"""Demo records for `manage.py seed_demo` (idempotent): the legal steps of issue 11, so a
newcomer sees them at once.

- Provider B (bht-b@demo.no): its submitted case is assigned and has a request for more
  information with a deadline (on B's start page, to answer with a PDF).
- Provider G (bht-g@demo.no, Demo BHT G AS): a rejected application with written reasons and
  its letter, appealed with an attachment; Arbeidstilsynet upheld the decision and forwarded the
  appeal to Direktoratet for arbeidstilsynet (the handler records the directorate's outcome).
- Provider E (bht-e@demo.no): an advance notice of revocation with its PDF letter and deadline.
- The demo enterprise (virksomhet@demo.no): an application for a dispensation, for the handler
  to decide (Dispensasjoner in the handler's menu).
Everything goes through the services, so the events, letters and outbox notices are real.
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from approvals.demo import ROSTER_A, _submitted
from approvals.demo_lifecycle import _provider_with_user, demo_assessments
from approvals.documents import minimal_pdf
from approvals.models import Appeal, Approval, Case, CaseRequest, CaseStatus
from approvals.services import cases as case_services

PROVIDER_G = ("955555554", "Demo BHT G AS", "Bodø", "1804", "8006")


def _rejected_case(provider, user, handler) -> Case:
    # Only two people: fails § 2-2 første ledd bokstav d and e.
    application = _submitted(
        provider,
        user,
        [(name, p, hpr[:-2] + "77" if hpr else "", fte, e, d) for name, p, hpr, fte, e, d in ROSTER_A[:2]],
        special_case="Vi skal samarbeide med en ergoterapeut og en psykolog fra neste år.",
    )
    case = case_services.case_assign(case=application.case, assignee=handler, actor=handler)
    case_services.case_decide(
        case=case,
        actor=handler,
        outcome="rejected",
        assessments=demo_assessments(application),
        justification=(
            "Tjenesten har to personer med til sammen 2,0 årsverk og mangler fagpersonell i ergonomi og "
            "psykososialt arbeidsmiljø. Kravene i § 2-2 første ledd bokstav d og e er derfor ikke oppfylt. "
            "Søknaden ber om godkjenning i særlige tilfeller, men samarbeidet er bare planlagt og ikke "
            "dokumentert, så vilkårene i § 2-2 andre ledd er ikke oppfylt."
        ),
    )
    return Case.objects.get(pk=case.pk)


def seed(*, stdout=None) -> list:
    handler = User.objects.filter(email="saksbehandler@demo.no").first()
    if handler is None:
        return []
    made = []
    # B: a request for more information with a deadline.
    b_user = User.objects.filter(email="bht-b@demo.no").select_related("provider").first()
    b_case = Case.objects.filter(provider__orgnr="974760673", status=CaseStatus.SUBMITTED).first()
    if b_user and b_case and not CaseRequest.objects.filter(case=b_case).exists():
        b_case = case_services.case_assign(case=b_case, assignee=handler, actor=handler)
        case_services.case_request_information(
            case=b_case,
            actor=handler,
            message=(
                "Søknaden ber om godkjenning i særlige tilfeller. Send den signerte samarbeidsavtalen med "
                "Psykologtjenesten Vest AS, med omfang (timer per år) og hvem som utfører arbeidet."
            ),
            deadline=timezone.localdate() + datetime.timedelta(days=14),
        )
        made.append(f"opplysninger {b_case.case_number}")
    # G: a rejection, appealed, upheld and forwarded to the directorate.
    provider_g, g_user = _provider_with_user(*PROVIDER_G)
    if not Case.objects.filter(provider=provider_g).exists():
        case = _rejected_case(provider_g, g_user, handler)
        decision = case.decisions.get()
        transaction.on_commit(lambda: _appeal_and_forward(decision.pk, g_user.pk, handler.pk))
        made.append(f"avslag og klage {case.case_number}")
    # E: an advance notice of revocation (the letter is made after commit).
    approval_e = Approval.objects.filter(provider__orgnr="933333337", status="valid").select_related("case").first()
    if approval_e and not CaseRequest.objects.filter(case=approval_e.case).exists():
        case_services.case_revocation_notify(
            case=approval_e.case,
            actor=handler,
            reason=(
                "En endringsmelding viser at tjenesten ikke lenger har yrkeshygieniker. Kravet om minst 0,30 "
                "årsverk i yrkeshygiene (§ 2-2 første ledd bokstav e) er da ikke oppfylt."
            ),
            deadline=timezone.localdate() + datetime.timedelta(days=21),
        )
        made.append(f"forhåndsvarsel {approval_e.case.case_number}")
    # The demo enterprise (virksomhet@demo.no) has applied for a dispensation.
    from approvals.models import DispensationCase
    from approvals.services.dispensations import dispensation_apply
    from enterprises.models import Enterprise

    enterprise_user = User.objects.filter(email="virksomhet@demo.no").first()
    enterprise = Enterprise.objects.filter(orgnr=getattr(enterprise_user, "enterprise_orgnr", "")).first()
    if enterprise is not None and not DispensationCase.objects.filter(enterprise=enterprise).exists():
        case = dispensation_apply(
            enterprise=enterprise,
            actor=enterprise_user,
            grounds=(
                "Virksomheten har tre ansatte i kontorarbeid uten særlig risiko, og et eget HMS-system med "
                "årlig risikovurdering. Vi søker om dispensasjon fra plikten til å være tilknyttet "
                "bedriftshelsetjeneste."
            ),
        )
        made.append(f"dispensasjonssøknad {case.case_number}")
    if stdout is not None and made:
        stdout.write("decisions: " + ", ".join(made))
    return made


def _appeal_and_forward(decision_id: int, provider_user_id: int, handler_id: int) -> None:
    """After the rejection letter's notice went out: the appeal (with an attachment) and the
    first instance's upholding and forwarding."""
    from approvals.models import Decision

    decision = Decision.objects.get(pk=decision_id)
    if Appeal.objects.filter(decision=decision).exists():
        return
    appeal = case_services.appeal_create(
        decision=decision,
        actor=User.objects.get(pk=provider_user_id),
        text=(
            "Vi er uenige i avslaget. Vi har inngått avtale med en ergoterapeut og en psykolog fra 1. januar; "
            "avtalene er vedlagt."
        ),
        files=[
            SimpleUploadedFile("avtaler.pdf", minimal_pdf("Avtaler om fagpersonell"), content_type="application/pdf")
        ],
    )
    case_services.appeal_forward(
        appeal=appeal,
        actor=User.objects.get(pk=handler_id),
        reason=(
            "Avtalene gjelder fra en dato fram i tid og dekker ikke kravet om fagpersonell i dag. "
            "Arbeidstilsynet opprettholder vedtaket."
        ),
    )
