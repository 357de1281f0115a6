"""Building blocks for the inspection tests: an enterprise in the register copy, inspectors,
an inspection at each step of the course (made through the services)."""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from approvals.documents import minimal_pdf
from inspections import services
from inspections.models import Inspection

ENTERPRISE_ORGNR = "923609016"


def register_enterprise(orgnr: str = ENTERPRISE_ORGNR, name: str = "DEMO BYGG OG ANLEGG AS", code: str = "41.000"):
    from enterprises.models import Enterprise
    from enterprises.national_register import ENHETER, enterprise_row, upsert_rows

    unit = {
        "organisasjonsnummer": orgnr,
        "navn": name,
        "organisasjonsform": {"kode": "AS", "beskrivelse": "Aksjeselskap"},
        "harRegistrertAntallAnsatte": True,
        "antallAnsatte": 24,
        "naeringskode1": {"kode": code, "beskrivelse": ""},
        "forretningsadresse": {"adresse": ["Storgata 10"], "postnummer": "0155", "poststed": "OSLO",
                               "kommunenummer": "0301", "kommune": "OSLO"},
    }  # fmt: skip
    upsert_rows(ENHETER, [enterprise_row(unit, sn2007_codes=set())])
    return Enterprise.objects.get(orgnr=orgnr)


def pdf_upload(name: str = "avtale.pdf", text: str = "Signert avtale") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, minimal_pdf(text), content_type="application/pdf")


def png_upload(name: str = "bilde.png") -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def enterprise_inspection(inspector, *, orgnr: str = ENTERPRISE_ORGNR, name: str = "Demo Bygg AS", **kw) -> Inspection:
    return services.inspection_start(
        actor=inspector,
        target="enterprise",
        orgnr=orgnr,
        name=name,
        kind=kw.pop("kind", "unannounced"),
        inspected_on=kw.pop("inspected_on", timezone.localdate()),
        team=kw.pop("team", []),
        contact_email=kw.pop("contact_email", "post@demobygg.no"),
        **kw,
    )


def answer(inspection: Inspection, inspector, results: dict[str, str]) -> dict:
    points = {p.number: p for p in inspection.checklist.points.all()}
    return services.checklist_answers_save(
        inspection=inspection,
        actor=inspector,
        answers=[{"point": points[n], "subject": "", "result": r, "note": ""} for n, r in results.items()],
    )


def reported(inspector, **kw) -> Inspection:
    """An enterprise inspection with point 1 (no approved BHT) not met and the report sent."""
    inspection = enterprise_inspection(inspector, **kw)
    answer(inspection, inspector, {"1": "not_met", "2": "met"})
    services.report_send(
        inspection=inspection, actor=inspector, comment_deadline=timezone.localdate() + datetime.timedelta(days=21)
    )
    inspection.refresh_from_db()
    return inspection


def ordered(inspector, *, deadline_days: int = 30, **kw):
    inspection = reported(inspector, **kw)
    finding = inspection.findings.get()
    order = services.order_issue(
        inspection=inspection,
        actor=inspector,
        finding=finding,
        text=finding.intended_order,
        deadline=timezone.localdate() + datetime.timedelta(days=deadline_days),
    )
    return inspection, order
