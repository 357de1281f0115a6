"""Demo records for `manage.py seed_demo` (idempotent: running it twice changes nothing).

Provider A (988077917, bht-a@demo.no): one submitted application and a complete, approvable
draft (which cannot be sent while the application is pending). Provider B (974760673, bht-b@demo.no): one submitted application that fails
psychosocial_fte (approval in special cases asked for). Made through the services, so the
cases get real numbers and the documents are real (small) PDFs.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from approvals import rules
from approvals.documents import minimal_pdf
from approvals.models import CASE_OPEN_STATUSES, Application, DocumentKind
from approvals.services import applications as services
from providers.models import Provider

TRAINED = datetime.date(2024, 3, 1)
ROSTER_A = [
    # name, profession, hpr, fte, employment, disciplines
    (
        "Lise Lege",
        "occupational_physician",
        "9100001",
        "1.0",
        "permanent",
        {"occupational_medicine": "0.8", "systematic_hse": "0.2"},
    ),
    (
        "Hans Hygieniker",
        "occupational_hygienist",
        "",
        "1.0",
        "permanent",
        {"occupational_hygiene": "0.8", "systematic_hse": "0.2"},
    ),
    ("Frida Fysioterapeut", "physiotherapist", "9100003", "0.8", "permanent", {"ergonomics": "0.8"}),
    ("Per Psykolog", "psychologist", "9100004", "0.8", "permanent", {"psychosocial": "0.6", "systematic_hse": "0.2"}),
]
ROSTER_B = [
    (
        "Berit Bedriftslege",
        "occupational_physician",
        "9200001",
        "1.0",
        "permanent",
        {"occupational_medicine": "0.9", "systematic_hse": "0.1"},
    ),
    ("Yngve Yrkeshygieniker", "occupational_hygienist", "", "1.0", "permanent", {"occupational_hygiene": "1.0"}),
    (
        "Eva Ergoterapeut",
        "physiotherapist",
        "9200003",
        "1.0",
        "permanent",
        {"ergonomics": "0.8", "psychosocial": "0.2"},
    ),
    ("Sverre Sykepleier", "nurse", "9200004", "0.5", "hired", {"systematic_hse": "0.5"}),
]
DEPARTMENTS = {
    "988077917": [
        {
            "name": "Oslo sentrum",
            "street_address": "Storgata 1",
            "postcode": "0155",
            "city": "Oslo",
            "municipality_number": "0301",
        }
    ],
    "974760673": [
        {
            "name": "Bergen",
            "street_address": "Strandkaien 2",
            "postcode": "5003",
            "city": "Bergen",
            "municipality_number": "4601",
        }
    ],
}


def demo_staff_rows(roster, *, trained_on: datetime.date = TRAINED, hpr=lambda h: h) -> list[dict]:
    """Staff rows (as application_save_draft takes them) from the demo rosters' tuples:
    (name, profession, hpr, fte, employment, disciplines)."""
    return [
        rules.StaffInput(
            name=name,
            profession=profession,
            hpr_number=hpr(number),
            fte=Decimal(fte),
            employment=employment,
            training_completed_on=trained_on,
            disciplines={k: Decimal(v) for k, v in disciplines.items()},
        ).model_fields()
        for name, profession, number, fte, employment, disciplines in roster
    ]


def _complete_draft(provider: Provider, user: User, roster) -> Application:
    application = services.application_create(provider=provider)
    organisation = {
        "street_address": provider.street_address or "Storgata 1",
        "postcode": provider.postcode or "0155",
        "city": provider.city or "Oslo",
        "contact_person": provider.contact_person or user.get_full_name(),
        "email": provider.email or user.email,
        "phone": provider.phone or "22 00 00 00",
    }
    services.application_save_draft(
        application=application,
        organisation=organisation,
        departments=DEPARTMENTS.get(provider.orgnr, DEPARTMENTS["988077917"]),
        staff=demo_staff_rows(roster),
    )
    for kind, label in DocumentKind.choices:
        pdf = minimal_pdf(f"{provider.name}: {label}")
        services.document_add(
            application=application,
            kind=kind,
            uploaded=SimpleUploadedFile(f"{kind.replace('_', '-')}.pdf", pdf, content_type="application/pdf"),
            actor=user,
        )
    application.refresh_from_db()
    return application


def _submitted(provider: Provider, user: User, roster, *, special_case: str = "") -> Application:
    application = _complete_draft(provider, user, roster)
    services.application_declare(
        application=application,
        declaration_accepted=True,
        special_case_requested=bool(special_case),
        special_case_explanation=special_case,
    )
    return services.application_submit(application=application, actor=user)


def seed(*, stdout=None) -> None:
    a_user = User.objects.filter(email="bht-a@demo.no").select_related("provider").first()
    b_user = User.objects.filter(email="bht-b@demo.no").select_related("provider").first()
    if a_user is None or b_user is None:
        return
    made = []
    pending = {"status": "submitted", "case__status__in": CASE_OPEN_STATUSES}
    # A's draft is made first: once its application is pending, a new one cannot be started
    # (the draft's submit page then says why it cannot be sent).
    if not Application.objects.filter(provider=a_user.provider, status="draft").exists():
        made.append(_complete_draft(a_user.provider, a_user, ROSTER_A))
    if not Application.objects.filter(provider=a_user.provider, **pending).exists():
        made.append(_submitted(a_user.provider, a_user, ROSTER_A))
    if not Application.objects.filter(provider=b_user.provider, **pending).exists():
        made.append(
            _submitted(
                b_user.provider,
                b_user,
                ROSTER_B,
                special_case=(
                    "Psykososialt arbeidsmiljø dekkes gjennom en avtale med Psykologtjenesten Vest AS, "
                    "som stiller med en organisasjonspsykolog ved behov."
                ),
            )
        )
    if stdout is not None and made:
        stdout.write(
            "approvals: " + ", ".join(f"{a.provider.name} {a.case.case_number if a.case else 'utkast'}" for a in made)
        )
