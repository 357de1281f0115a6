"""Demo records for `manage.py seed_demo` (idempotent: running it twice changes nothing).

Four approved providers whose approvals end in 20, 85 and 170 days and one that ended
yesterday (C, D, E, F; users bht-c@demo.no … bht-f@demo.no, password as the other demo
users), plus a separate older case and approval for provider A ending in 85 days, so bht-a
sees a renewal reminder; D has sent its renewal (first in the queue, with a decide-by date).
Then the reminder and expiry jobs run once (recorded as job runs), so a newcomer sees the reminders on the case pages and start pages, and the expiry, at once.
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from stdnum.no import orgnr as stdnum_orgnr

from accounts.models import Role, User
from accounts.services import DEMO_PASSWORD, user_get_or_create
from approvals.demo import demo_staff_rows
from approvals.documents import minimal_pdf
from approvals.models import Approval, Decision, DecisionOutcome, DocumentKind
from approvals.services import applications as application_services
from approvals.services.cases import approval_register_departments, decision_letter_queue
from approvals.services.lifecycle import application_renewal_start
from approvals.services.numbering import case_number_allocate
from providers.models import Provider
from providers.services import provider_get_or_create

TRAINED = datetime.date(2021, 2, 1)
# orgnr (valid checksum per stdnum), name, city, municipality, postcode, days until the end
LIFECYCLE_PROVIDERS = [
    ("911111128", "Demo BHT C AS", "Trondheim", "5001", "7011", 20),
    ("922222223", "Demo BHT D AS", "Stavanger", "1103", "4006", 85),
    ("933333337", "Demo BHT E AS", "Tromsø", "5501", "9008", 170),
    ("944444440", "Demo BHT F AS", "Kristiansand", "4204", "4611", -1),
]
PROVIDER_A_ORGNR = "988077917"
PROVIDER_A_DAYS = 85
ROSTER = [
    (
        "Marit Bedriftslege",
        "occupational_physician",
        "9300001",
        "1.0",
        "permanent",
        {"occupational_medicine": "0.8", "systematic_hse": "0.2"},
    ),
    (
        "Ola Yrkeshygieniker",
        "occupational_hygienist",
        "",
        "1.0",
        "permanent",
        {"occupational_hygiene": "0.9", "systematic_hse": "0.1"},
    ),
    ("Siri Fysioterapeut", "physiotherapist", "9300003", "0.8", "permanent", {"ergonomics": "0.8"}),
    ("Knut Psykolog", "psychologist", "9300004", "0.6", "permanent", {"psychosocial": "0.5", "systematic_hse": "0.1"}),
]


# The handler's own words for the requirements the rules cannot decide (forvaltningsloven § 25).
DEMO_JUDGEMENTS = {
    "holistic": (
        "Tjenesten har fagpersonell innen alle fem kompetanseområdene, som arbeider tverrfaglig med "
        "kartlegging, risikovurdering og oppfølging hos kundene. Den kan gi helhetlig og forebyggende bistand."
    ),
    "quality_assistance": (
        "Kvalitetssystemet beskriver hvordan bistanden til arbeidsgiverne planlegges, gjennomføres og "
        "evalueres etter arbeidsmiljøloven kapittel 13, med årlig gjennomgang sammen med kundene."
    ),
    "competence_development": (
        "Kompetanseplanen gjelder alle ansatte, med individuelle mål og årlig evaluering; "
        "obligatorisk opplæring og faglig oppdatering er dokumentert."
    ),
    "risk_based": (
        "Bistanden prioriteres etter risiko i kundenes virksomheter. Tilleggstjenester som generelle "
        "helsekontroller tilbys og faktureres adskilt og dokumenteres for seg."
    ),
}


def demo_assessments(application) -> list[dict]:
    """Every requirement assessed, as a case handler would: the rule-decided ones from the rule
    results, the judgements in the handler's own words."""
    from approvals.selectors.applications import application_evaluate
    from approvals.selectors.cases import assessments_prefill

    evaluation = application_evaluate(application=application) if application is not None else None
    return [
        {**a, "assessment": a["assessment"] or DEMO_JUDGEMENTS[a["id"]]}
        for a in assessments_prefill(evaluation=evaluation)
    ]


def letters_backfill() -> int:
    """Older demo decisions made before every letter assessed each requirement: fill in the
    assessments and make the letter again (its notice was already sent, so no new e-mail)."""
    from approvals.models import DecisionLetter, OutboxStatus

    count = 0
    for decision in Decision.objects.filter(assessments=[]).select_related("application"):
        decision.assessments = demo_assessments(decision.application)
        decision.save(update_fields=["assessments"])
        DecisionLetter.objects.filter(decision=decision).update(pdf="", pages=None, status=OutboxStatus.PENDING)
        count += 1
    return count


def _approved(provider: Provider, user: User, handler: User, *, days_left: int) -> Approval:
    """A submitted application, approved five years before its end; the approval ends
    `days_left` days from today (negative: already ended)."""
    application = application_services.application_create(provider=provider)
    application_services.application_save_draft(
        application=application,
        organisation={
            "street_address": provider.street_address,
            "postcode": provider.postcode,
            "city": provider.city,
            "contact_person": provider.contact_person,
            "email": provider.email,
            "phone": provider.phone,
        },
        departments=[
            {
                "name": provider.city,
                "street_address": provider.street_address,
                "postcode": provider.postcode,
                "city": provider.city,
                "municipality_number": provider.municipality_number,
            }
        ],
        # A distinct HPR number per provider: the same person is not counted at several BHTs.
        staff=demo_staff_rows(
            ROSTER, trained_on=TRAINED, hpr=lambda h: (h[:-2] + f"{provider.pk % 100:02d}") if h else ""
        ),
    )
    for kind, label in DocumentKind.choices:
        application_services.document_add(
            application=application,
            kind=kind,
            uploaded=SimpleUploadedFile(
                f"{kind.replace('_', '-')}.pdf",
                minimal_pdf(f"{provider.name}: {label}"),
                content_type="application/pdf",
            ),
            actor=user,
        )
    application.refresh_from_db()
    application_services.application_declare(
        application=application, declaration_accepted=True, special_case_requested=False, special_case_explanation=""
    )
    application = application_services.application_submit(application=application, actor=user)
    today = timezone.localdate()
    valid_until = today + datetime.timedelta(days=days_left)
    valid_from = valid_until.replace(year=valid_until.year - 5) + datetime.timedelta(days=1)
    decided_at = timezone.make_aware(datetime.datetime.combine(valid_from, datetime.time(10, 0)))
    case = application.case
    with transaction.atomic():
        case.assign()
        case.approve()
        case.assigned_to = handler
        case.save()
        received_at = decided_at - datetime.timedelta(days=40)
        # Numbered in the year it was received, as a real case of that age would be.
        sequence, case_number = case_number_allocate(year=received_at.year)
        type(case).objects.filter(pk=case.pk).update(
            received_at=received_at,
            decided_at=decided_at,
            year=received_at.year,
            sequence=sequence,
            case_number=case_number,
        )
        type(application).objects.filter(pk=application.pk).update(submitted_at=received_at)
        decision = Decision.objects.create(
            case=case,
            application=application,
            outcome=DecisionOutcome.APPROVED,
            decided_by=handler,
            decided_at=decided_at,
            valid_from=valid_from,
            valid_until=valid_until,
            assessments=demo_assessments(application),
        )
        decision_letter_queue(decision=decision)  # the letter is made after commit, as in real life
        approval = Approval.objects.create(
            provider=provider, case=case, decision=decision, valid_from=valid_from, valid_until=valid_until
        )
        approval_register_departments(approval=approval)
        return approval


def _provider_with_user(orgnr, name, city, municipality, postcode) -> tuple[Provider, User]:
    provider, _ = provider_get_or_create(
        orgnr=orgnr,
        defaults=dict(
            name=name,
            city=city,
            municipality_number=municipality,
            postcode=postcode,
            street_address="Kirkegata 5",
            contact_person="Kari Kontakt",
            email=f"post@bht-{name.split()[-2].lower()}.demo.no",
            phone="73 00 00 00",
        ),
    )
    email = f"bht-{name.split()[-2].lower()}@demo.no"
    user, _ = user_get_or_create(
        email=email, password=DEMO_PASSWORD, full_name=f"Bruker {name}", role=Role.PROVIDER, provider=provider
    )
    return provider, user


def _renewal_submitted(*, orgnr: str, stdout=None) -> None:
    """Provider D has sent its renewal before its approval ends: the queue shows it first,
    marked as a renewal with its decide-by date, and D's start page offers no new renewal."""
    approval = Approval.objects.filter(provider__orgnr=orgnr, status="valid").select_related("provider").first()
    user = User.objects.filter(provider__orgnr=orgnr).first()
    if approval is None or user is None or approval.renewal_applications.filter(status="submitted").exists():
        return
    draft = application_renewal_start(approval=approval, actor=user)
    application_services.application_declare(
        application=draft, declaration_accepted=True, special_case_requested=False, special_case_explanation=""
    )
    submitted = application_services.application_submit(application=draft, actor=user)
    if stdout is not None:
        stdout.write(f"lifecycle: renewal {submitted.case.case_number} for {approval.provider.name}")


def seed(*, stdout=None) -> None:
    handler = User.objects.filter(email="saksbehandler@demo.no").first()
    if handler is None:
        return
    made = []
    if letters_backfill():
        from approvals.tasks import decision_letters_sweep

        transaction.on_commit(decision_letters_sweep.delay)
    for orgnr, name, city, municipality, postcode, days_left in LIFECYCLE_PROVIDERS:
        assert stdnum_orgnr.is_valid(orgnr), orgnr
        provider, user = _provider_with_user(orgnr, name, city, municipality, postcode)
        if not Approval.objects.filter(provider=provider).exists():
            made.append(_approved(provider, user, handler, days_left=days_left))
    # Provider A: a separate, older case and approval (its current applications are H4's).
    a_user = User.objects.filter(email="bht-a@demo.no").select_related("provider").first()
    if a_user is not None and not Approval.objects.filter(provider=a_user.provider).exists():
        made.append(_approved(a_user.provider, a_user, handler, days_left=PROVIDER_A_DAYS))
    _renewal_submitted(orgnr="922222223", stdout=stdout)
    if stdout is not None and made:
        stdout.write(
            "lifecycle: approvals "
            + ", ".join(f"{a.provider.name} {a.case.case_number} til {a.valid_until:%d.%m.%Y}" for a in made)
        )
    return made
