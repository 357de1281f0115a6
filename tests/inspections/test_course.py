"""The inspection course through the services, on a real database: checklist per target,
a point not met becomes a finding, the report with advance notice (PDF), the order decision
(PDF: legal basis, deadline, appeal text), the overdue job, coercive fines, compliance,
reactions, and the BHT inspection feeding the approval unit."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader

from inspections import rules, services
from inspections.models import (
    ChecklistPoint,
    ChecklistVersion,
    Finding,
    InspectionEvent,
    InspectionStatus,
    OrderOverdueNotice,
    OrderStatus,
)
from tests.factories import UserFactory
from tests.inspections.helpers import answer, enterprise_inspection, ordered, pdf_upload, png_upload, reported

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _text(file) -> str:
    file.open("rb")
    reader = PdfReader(io.BytesIO(file.read()))
    return " ".join((page.extract_text() or "") for page in reader.pages).replace("\n", " ")


# ---------------------------------------------------------------- checklists
def test_each_target_gets_its_own_checklist_with_legal_references(inspector, provider):
    enterprise = enterprise_inspection(inspector)
    bht = services.inspection_start(
        actor=inspector,
        target="provider",
        orgnr=provider.orgnr,
        name=provider.name,
        provider=provider,
        kind="documents",
        inspected_on=TODAY,
        team=[],
    )
    e_points = list(enterprise.checklist.points.values_list("number", "legal_reference"))
    b_points = dict(bht.checklist.points.values_list("number", "legal_reference"))
    assert enterprise.checklist.target == "enterprise" and bht.checklist.target == "provider"
    assert [n for n, _ref in e_points] == ["1", "2", "3", "4", "5"]
    assert all(ref for _n, ref in e_points)
    assert "§ 13-1" in e_points[0][1] and "§ 13-2" in e_points[4][1]
    assert set(b_points) == {"2-2a", "2-2b", "2-2c", "2-2d", "2-2e", "2-3", "2-4"}
    assert b_points["2-2e"].endswith("§ 2-2 første ledd bokstav e")
    assert bht.checklist.points.get(number="2-3").per_person


def test_checklists_are_versioned_data_loaded_once(tmp_path):
    assert services.checklists_load() == []  # the autouse fixture loaded them already
    before = ChecklistPoint.objects.count()
    (tmp_path / "enterprise-bht-v2.json").write_text(
        '{"code": "enterprise-bht", "version": 2, "target": "enterprise", "title_nb": "Ny", "title_en": "New",'
        ' "valid_from": "2026-06-01", "points": [{"number": "1", "text_nb": "a", "text_en": "a",'
        ' "legal_reference": "§ 13-1"}]}',
        encoding="utf-8",
    )
    created = services.checklists_load(directory=tmp_path)
    assert [str(v) for v in created] == ["enterprise-bht v2"]
    assert services.checklists_load(directory=tmp_path) == []
    assert ChecklistPoint.objects.count() == before + 1
    assert services.checklist_current(target="enterprise", day=datetime.date(2026, 7, 1)).version == 2
    assert services.checklist_current(target="enterprise", day=datetime.date(2026, 5, 1)).version == 1
    assert ChecklistVersion.objects.filter(code="enterprise-bht").count() == 2


def test_a_point_not_met_becomes_a_finding_and_going_back_removes_it(inspector):
    inspection = enterprise_inspection(inspector)
    counts = answer(inspection, inspector, {"1": "not_met", "2": "met", "3": "not_checked"})
    assert counts["findings_created"] == 1
    finding = inspection.findings.get()
    assert finding.kind == Finding.Kind.NONCONFORMITY
    assert "§ 13-1" in finding.legal_basis
    assert "godkjent bedriftshelsetjeneste" in finding.intended_order
    assert answer(inspection, inspector, {"1": "not_met"})["saved"] == 0  # unchanged: nothing written
    assert answer(inspection, inspector, {"1": "met"})["findings_removed"] == 1
    assert not inspection.findings.exists()
    assert inspection.events.filter(kind=InspectionEvent.Kind.CHECKLIST).count() == 2


def test_only_inspectors_can_be_on_the_team(inspector, case_handler):
    with pytest.raises(ValidationError, match="Only inspectors"):
        enterprise_inspection(inspector, team=[case_handler])
    colleague = UserFactory(inspector=True, full_name="Kari Kollega")
    inspection = enterprise_inspection(inspector, team=[colleague])
    assert set(inspection.team.all()) == {inspector, colleague}


def test_announced_inspection_needs_and_sends_the_notice(inspector, django_capture_on_commit_callbacks):
    with pytest.raises(ValidationError, match="notice sent beforehand"):
        enterprise_inspection(inspector, kind="announced")
    with pytest.raises(ValidationError):
        enterprise_inspection(inspector, kind="announced", advance_notice="   ")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        enterprise_inspection(inspector, kind="announced", advance_notice="Ha klar avtale, plan og årsrapport.")
    assert [m.to for m in mail.outbox] == [["post@demobygg.no"]]
    assert "Ha klar avtale" in mail.outbox[0].body


# ---------------------------------------------------------------- attachments
def test_finding_attachments_are_checked_by_content(inspector):
    inspection = enterprise_inspection(inspector)
    finding = services.finding_create(
        inspection=inspection, actor=inspector, kind="remark", legal_basis="", description="Rotete lager."
    )
    photo = services.finding_document_add(finding=finding, actor=inspector, uploaded=png_upload())
    pdf = services.finding_document_add(finding=finding, actor=inspector, uploaded=pdf_upload())
    assert (photo.content_type, pdf.content_type) == ("image/png", "application/pdf")
    fake = SimpleUploadedFile("bilde.jpg", b"GIF89a not really a photo", content_type="image/jpeg")
    with pytest.raises(ValidationError, match="neither a PDF nor a photo"):
        services.finding_document_add(finding=finding, actor=inspector, uploaded=fake)
    script = SimpleUploadedFile("x.pdf", b"%PDF-1.4\n/JavaScript (app.alert(1))\n%%EOF", content_type="application/pdf")
    with pytest.raises(ValidationError):
        services.finding_document_add(finding=finding, actor=inspector, uploaded=script)
    assert finding.documents.count() == 2


def test_a_remark_is_never_ordered(inspector):
    inspection = enterprise_inspection(inspector)
    with pytest.raises(ValidationError, match="remark"):
        services.finding_create(
            inspection=inspection, actor=inspector, kind="remark", legal_basis="", description="x", intended_order="y"
        )


# ---------------------------------------------------------------- report, comments, order
def test_report_with_advance_notice_is_a_pdf_sent_with_a_comment_deadline(
    inspector, django_capture_on_commit_callbacks
):
    inspection = enterprise_inspection(inspector)
    answer(inspection, inspector, {"1": "not_met"})
    with pytest.raises(ValidationError, match="at least 7 days"):
        services.report_send(
            inspection=inspection, actor=inspector, comment_deadline=TODAY + datetime.timedelta(days=3)
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_send(
            inspection=inspection, actor=inspector, comment_deadline=TODAY + datetime.timedelta(days=21)
        )
    text = _text(report.pdf)
    assert "Tilsynsrapport med varsel om pålegg" in text
    assert "Varsel om pålegg" in text and "forvaltningsloven § 16" in text
    assert (TODAY + datetime.timedelta(days=21)).strftime("%Y") in text
    assert "godkjent bedriftshelsetjeneste" in text
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.REPORT_SENT
    assert len(mail.outbox) == 1 and mail.outbox[0].attachments[0][0] == report.download_name
    with pytest.raises(ValidationError, match="already been sent"):
        services.report_send(
            inspection=inspection, actor=inspector, comment_deadline=TODAY + datetime.timedelta(days=21)
        )


def test_order_needs_the_advance_notice_first(inspector):
    inspection = enterprise_inspection(inspector)
    answer(inspection, inspector, {"1": "not_met"})
    with pytest.raises(ValidationError, match="advance notice"):
        services.order_issue(
            inspection=inspection, actor=inspector, text="Gjør noe.", deadline=TODAY + datetime.timedelta(days=30)
        )


def test_enterprise_comments_then_the_order_letter_states_basis_deadline_and_appeal(inspector, enterprise_user):
    inspection = reported(inspector)
    comment = services.comment_submit(
        inspection=inspection,
        actor=enterprise_user,
        text="Vi skal knytte oss til en BHT.",
        files=[pdf_upload("tilbud.pdf")],
    )
    assert comment.documents.count() == 1
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.COMMENTED
    finding = inspection.findings.get()
    deadline = TODAY + datetime.timedelta(days=42)
    order = services.order_issue(
        inspection=inspection, actor=inspector, finding=finding, text=finding.intended_order, deadline=deadline
    )
    text = _text(order.letter)
    assert "Vedtak om pålegg" in text
    assert "arbeidsmiljøloven § 18-6" in text
    assert f"{deadline.day}. " in text and str(deadline.year) in text
    assert "Rett til å klage" in text and "tre uker" in text and "Direktoratet for arbeidstilsynet" in text
    assert order.appeal_deadline == TODAY + datetime.timedelta(days=rules.APPEAL_DAYS)


def test_overdue_job_marks_once_then_fine_accrues_and_stops_at_compliance(inspector, enterprise_user):
    _inspection, order = ordered(inspector, deadline_days=10)
    with time_machine.travel(TODAY + datetime.timedelta(days=11)):
        assert services.orders_overdue_mark()["overdue"] == 1
        assert services.orders_overdue_mark() == {"overdue": 0, "notified": 0}
        order.refresh_from_db()
        assert order.status == OrderStatus.OVERDUE
        assert OrderOverdueNotice.objects.get(order=order).status == "sent"
        fine = services.reaction_record(
            inspection=order.inspection,
            actor=inspector,
            kind="coercive_fine",
            order=order,
            amount=Decimal(1000),
            period="day",
            runs_from=timezone.localdate(),
            text="Pålegget er ikke oppfylt.",
        )
        assert "Vedtak om tvangsmulkt" in _text(fine.letter) and "per dag" in _text(fine.letter)
    with time_machine.travel(TODAY + datetime.timedelta(days=15)):
        from inspections.selectors import fine_accrued

        assert fine_accrued(fine).amount == Decimal(5000)  # days 11 to 15, today included
        services.order_compliance_upload(
            order=order, actor=enterprise_user, files=[pdf_upload(), pdf_upload("plan.pdf")]
        )
        services.order_compliance_document(order=order, actor=inspector, documentation="Avtale og plan mottatt.")
        fine.refresh_from_db()
        assert fine.stopped_on == timezone.localdate()
    with time_machine.travel(TODAY + datetime.timedelta(days=40)):
        assert fine_accrued(fine).amount == Decimal(4000)  # stopped: the day of compliance does not count
        assert not fine_accrued(fine).running
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLIED and order.documents.count() == 2
    services.order_close(order=order, actor=inspector)
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED


def test_deadline_extension_reopens_an_overdue_order(inspector):
    _inspection, order = ordered(inspector, deadline_days=5)
    with time_machine.travel(TODAY + datetime.timedelta(days=6)):
        services.orders_overdue_mark()
        order.refresh_from_db()
        with pytest.raises(ValidationError, match="reason"):
            services.order_deadline_extend(
                order=order, actor=inspector, new_deadline=TODAY + datetime.timedelta(days=30), reason=""
            )
        services.order_deadline_extend(
            order=order, actor=inspector, new_deadline=TODAY + datetime.timedelta(days=30), reason="Venter på signatur."
        )
    order.refresh_from_db()
    assert order.status == OrderStatus.OPEN and order.deadline == TODAY + datetime.timedelta(days=30)
    assert order.extensions.get().old_deadline == TODAY + datetime.timedelta(days=5)


def test_coercive_fine_and_infringement_fine_need_their_facts(inspector):
    inspection, order = ordered(inspector)
    with pytest.raises(ValidationError, match="coercive fine needs an amount"):
        services.reaction_record(inspection=inspection, actor=inspector, kind="coercive_fine", order=order, text="x")
    with pytest.raises(ValidationError, match="infringement fine needs an amount"):
        services.reaction_record(inspection=inspection, actor=inspector, kind="infringement_fine", text="x")
    guidance = services.reaction_record(inspection=inspection, actor=inspector, kind="guidance", text="Veiledet.")
    police = services.reaction_record(inspection=inspection, actor=inspector, kind="police_report", text="Anmeldt.")
    assert not guidance.letter and not police.letter and not guidance.is_decision
    fine = services.reaction_record(
        inspection=inspection, actor=inspector, kind="infringement_fine", amount=Decimal(50000), text="Grovt brudd."
    )
    assert "Vedtak om overtredelsesgebyr" in _text(fine.letter)
    assert fine.legal_basis == "arbeidsmiljøloven § 18-10"


@pytest.mark.parametrize(
    ("period", "days_in", "stopped_after", "expected"),
    [("day", 0, None, 1000), ("day", 9, None, 10000), ("week", 0, None, 1000), ("week", 7, None, 2000),
     ("once", 30, None, 1000), ("day", 9, 3, 3000), ("day", -1, None, 0)],
)  # fmt: skip
def test_fine_accrued(period, days_in, stopped_after, expected):
    start = datetime.date(2026, 1, 10)
    stopped = start + datetime.timedelta(days=stopped_after) if stopped_after is not None else None
    accrual = rules.fine_accrued(
        amount=Decimal(1000),
        period=period,
        runs_from=start,
        today=start + datetime.timedelta(days=days_in),
        stopped_on=stopped,
    )
    assert accrual.amount == Decimal(expected)


# ---------------------------------------------------------------- BHT inspections feed the approval unit
def test_bht_inspection_with_a_2_2_e_finding_opens_a_follow_up_on_the_approval_case(inspector, case_handler):
    from approvals.models import CaseEvent, FollowUpTask
    from tests.approvals.factories import ApprovalFactory

    approval = ApprovalFactory(ends_in_days=400)
    provider = approval.provider
    inspection = services.inspection_start(
        actor=inspector,
        target="provider",
        orgnr=provider.orgnr,
        name=provider.name,
        provider=provider,
        approval_id=approval.pk,
        kind="documents",
        inspected_on=TODAY,
        team=[],
    )
    answer(inspection, inspector, {"2-2a": "met", "2-2e": "not_met"})
    with pytest.raises(ValidationError):
        services.followup_open(inspection=enterprise_inspection(inspector), actor=inspector)
    task_id = services.followup_open(inspection=inspection, actor=inspector)
    assert services.followup_open(inspection=inspection, actor=inspector) == task_id  # once
    task = FollowUpTask.objects.get(pk=task_id)
    assert task.case == approval.case and task.status == "open"
    assert "§ 2-2 første ledd bokstav e" in task.failed_rules[0]["message_nb"]
    assert CaseEvent.objects.filter(case=approval.case, kind=CaseEvent.Kind.FOLLOWUP_CREATED).exists()
