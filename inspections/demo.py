"""Demo records for `manage.py seed_demo` (idempotent: running it twice changes nothing).

Two inspections by inspektor@demo.no: an enterprise without BHT with an order whose deadline
has passed (the lifecycle demo runs the deadline job, so it shows as overdue and the inspector
has one e-mail), and a BHT provider inspection with an open order.
"""

import datetime

from django.utils import timezone

from accounts.models import User
from providers.models import Provider

from .models import Finding, Inspection, Order


def seed(*, stdout=None) -> None:
    inspector = User.objects.filter(email="inspektor@demo.no").first()
    if inspector is None or Inspection.objects.exists():
        return
    today = timezone.localdate()
    enterprise = Inspection.objects.create(
        target="enterprise",
        orgnr="923609016",
        name="Demo Bygg AS",
        kind="unannounced",
        inspector=inspector,
        inspected_on=today - datetime.timedelta(days=45),
        summary="Virksomheten er i bransje med plikt til BHT (§ 13-1), men har ikke tilknyttet godkjent BHT.",
    )
    finding = Finding.objects.create(
        inspection=enterprise,
        kind="nonconformity",
        legal_basis="aml. § 3-3, forskrift om organisering § 13-1",
        description="Ingen avtale med godkjent bedriftshelsetjeneste.",
    )
    Order.objects.create(
        inspection=enterprise,
        finding=finding,
        text="Virksomheten skal knytte seg til en godkjent bedriftshelsetjeneste og sende inn signert avtale og plan.",
        issued_on=today - datetime.timedelta(days=44),
        deadline=today - datetime.timedelta(days=3),
    )
    provider = Provider.objects.filter(orgnr="974760673").first()
    if provider is not None:
        bht = Inspection.objects.create(
            target="provider",
            provider=provider,
            orgnr=provider.orgnr,
            name=provider.name,
            kind="documents",
            inspector=inspector,
            inspected_on=today - datetime.timedelta(days=10),
            summary="Dokumenttilsyn av kvalitetssystem og opplæring (§ 2-2, § 2-3).",
        )
        f2 = Finding.objects.create(
            inspection=bht,
            kind="nonconformity",
            legal_basis="forskrift om administrative ordninger § 2-3",
            description="Opplæring er ikke dokumentert for innleid sykepleier.",
        )
        Order.objects.create(
            inspection=bht,
            finding=f2,
            text="Dokumenter gjennomført obligatorisk opplæring for alt personell.",
            issued_on=today - datetime.timedelta(days=9),
            deadline=today + datetime.timedelta(days=21),
        )
    if stdout is not None:
        stdout.write("inspections: 2 inspections with orders")
