"""The provider's services: drafts, submission (case numbers, frozen evaluation, receipt),
revisions, documents, and the selectors H5/H6 build on."""

import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import Http404
from django.utils import timezone

from approvals import rules
from approvals.documents import minimal_pdf
from approvals.models import (
    Application,
    ApplicationDocument,
    ApplicationStatus,
    Case,
    CaseEvent,
    CaseStatus,
    DocumentKind,
)
from approvals.selectors.applications import (
    application_evaluate,
    application_get_for_user,
    application_rule_input,
    document_get_for_user,
)
from approvals.services import applications as services
from tests.approvals.factories import ApplicationFactory, CaseFactory, add_documents, add_roster, mark_submitted
from tests.factories import ProviderFactory, UserFactory

pytestmark = pytest.mark.django_db


def complete_draft(provider=None, **kwargs):
    """A draft that can be submitted: organisation, a department, an approvable roster and
    all five documents."""
    application = ApplicationFactory(
        provider=provider or ProviderFactory(), street_address="Storgata 1", postcode="0155", **kwargs
    )
    application.departments.create(name="Oslo", municipality_number="0301")
    add_roster(application)
    add_documents(application, kinds=DocumentKind.values)
    return application


def declare(application, **kwargs):
    return services.application_declare(
        application=application,
        declaration_accepted=kwargs.get("declaration", True),
        special_case_requested=kwargs.get("special", False),
        special_case_explanation=kwargs.get("explanation", ""),
    )


@pytest.fixture
def actor(provider):
    return UserFactory(role="provider", provider=provider, email="actor@test.no", full_name="Anne Avsender")


# ---------------------------------------------------------------- submission
def test_first_submission_opens_a_case_and_freezes_the_evaluation(provider, actor, django_capture_on_commit_callbacks):
    application = declare(complete_draft(provider))
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_submit(application=application, actor=actor)
    year = timezone.localdate().year
    case = application.case
    assert application.status == ApplicationStatus.SUBMITTED
    assert case.case_number == f"{year}/0001" and (case.year, case.sequence) == (year, 1)
    assert case.status == CaseStatus.SUBMITTED
    assert case.provider == provider
    assert (case.failed_rule_count, case.warning_count) == (0, 0)
    assert application.submitted_by == actor and application.submitted_at == case.received_at
    assert application.evaluation["approvable"] is True
    assert application.evaluation["total_fte"] == "3.6"
    event = CaseEvent.objects.get(case=case)
    assert event.kind == CaseEvent.Kind.SUBMITTED and event.actor == actor
    assert event.data["application_id"] == application.pk
    # the receipt
    assert len(mail.outbox) == 1
    assert case.case_number in mail.outbox[0].subject
    assert sorted(mail.outbox[0].to) == ["actor@test.no", "post@bht.test"]
    assert case.case_number in mail.outbox[0].body


def test_case_numbers_are_sequential_per_year(actor, provider):
    numbers = []
    for p in (provider, ProviderFactory(), ProviderFactory()):  # one pending case per provider
        app = declare(complete_draft(p))
        numbers.append(services.application_submit(application=app, actor=actor).case.case_number)
    year = timezone.localdate().year
    assert numbers == [f"{year}/0001", f"{year}/0002", f"{year}/0003"]


def test_no_receipt_when_the_transaction_rolls_back(provider, actor, django_capture_on_commit_callbacks):
    application = declare(complete_draft(provider))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.application_submit(application=application, actor=actor)
    assert len(callbacks) == 1 and mail.outbox == []  # sent only once committed


def test_submitted_version_is_frozen(provider, actor):
    application = services.application_submit(application=declare(complete_draft(provider)), actor=actor)
    with pytest.raises(services.ApplicationFrozen):
        services.application_save_draft(application=application, organisation={"name": "X"}, departments=[], staff=[])
    with pytest.raises(services.ApplicationFrozen):
        services.application_submit(application=application, actor=actor)
    with pytest.raises(services.ApplicationFrozen):
        services.document_remove(document=application.documents.first())
    with pytest.raises(services.ApplicationFrozen):
        services.document_add(
            application=application,
            kind="expertise",
            uploaded=SimpleUploadedFile("x.pdf", minimal_pdf()),
        )
    application.refresh_from_db()
    assert application.name != "X" and application.staff.count() == 4


@pytest.mark.parametrize(
    "breakage, expected",
    [
        (lambda a: a.departments.all().delete(), "Add at least one department."),
        (lambda a: a.staff.all().delete(), "Add at least one person to the staff roster."),
        (
            lambda a: a.documents.filter(kind="expertise").delete(),
            "Upload these documents: Expertise per competence area.",
        ),
        (lambda a: Application.objects.filter(pk=a.pk).update(contact_person=""), "contact person"),
        (lambda a: Application.objects.filter(pk=a.pk).update(declaration_accepted=False), "Confirm the declaration."),
    ],
    ids=["department", "staff", "document", "organisation", "declaration"],
)
def test_incomplete_application_is_refused_with_reasons(provider, actor, breakage, expected, settings):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    application = declare(complete_draft(provider))
    breakage(application)
    application.refresh_from_db()
    with translation.override("en"), pytest.raises(services.ApplicationIncomplete) as exc:
        services.application_submit(application=application, actor=actor)
    assert any(expected in m for m in exc.value.messages), exc.value.messages
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT and application.case is None
    assert not Case.objects.exists()


def test_failing_rules_need_the_special_case_with_explanation(provider, actor):
    application = complete_draft(provider)
    application.staff.filter(name="Psykolog Per").update(fte_psychosocial=Decimal("0.2"))
    declare(application)
    with pytest.raises(services.ApplicationIncomplete) as exc:
        services.application_submit(application=application, actor=actor)
    assert any("særlige tilfeller" in m or "special cases" in m for m in exc.value.messages)
    # ticking without an explanation is not enough
    declare(application, special=True, explanation="   ")
    application.refresh_from_db()
    assert application.special_case_requested is False
    with pytest.raises(services.ApplicationIncomplete):
        services.application_submit(application=application, actor=actor)
    declare(application, special=True, explanation="Avtale med Psykologtjenesten AS.")
    application = services.application_submit(application=application, actor=actor)
    assert application.case.failed_rule_count == 1
    assert [r["id"] for r in application.evaluation["rules"] if not r["passed"]] == ["psychosocial_fte"]
    assert application.special_case_requested


def _submit_at_once(drafts, actors):
    """Submit each draft in its own thread and connection, all released together."""
    barrier = threading.Barrier(len(drafts))
    errors, numbers = [], []

    def submit(app, actor):
        try:
            barrier.wait(timeout=10)
            numbers.append(services.application_submit(application=app, actor=actor).case.case_number)
        except Exception as exc:  # noqa: BLE001 - collected and asserted by the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=pair) for pair in zip(drafts, actors, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return numbers, errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_distinct_case_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no real race to test")
    providers = ProviderFactory.create_batch(6)
    actors = [UserFactory(role="provider", provider=p) for p in providers]
    drafts = [declare(complete_draft(p)) for p in providers]
    numbers, errors = _submit_at_once(drafts, actors)
    assert errors == []
    year = timezone.localdate().year
    assert sorted(numbers) == [f"{year}/{n:04d}" for n in range(1, 7)]


@pytest.mark.django_db(transaction=True)
def test_one_providers_concurrent_submissions_open_one_case():
    """One pending case per provider holds under a race too: of six drafts of one provider sent
    at once, one opens a case and five are refused with the reason (it once let all six in)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no real race to test")
    provider = ProviderFactory()
    actor = UserFactory(role="provider", provider=provider)
    drafts = [declare(complete_draft(provider)) for _ in range(6)]
    numbers, errors = _submit_at_once(drafts, [actor] * 6)
    assert len(numbers) == 1
    assert len(errors) == 5
    assert all(isinstance(e, services.ApplicationIncomplete) for e in errors)


# ---------------------------------------------------------------- revisions / supplements
def test_revise_copies_everything_into_a_new_draft_and_keeps_the_submitted_version(provider, actor):
    submitted = services.application_submit(application=declare(complete_draft(provider)), actor=actor)
    with pytest.raises(services.ApplicationFrozen):  # no request for information yet
        services.application_revise(application=submitted)
    Case.objects.filter(pk=submitted.case_id).update(status=CaseStatus.AWAITING_INFORMATION)
    draft = services.application_revise(application=submitted)
    assert draft.is_draft and draft.case_id == submitted.case_id
    assert draft.version == 2 and draft.previous == submitted
    assert draft.name == submitted.name and draft.orgnr == submitted.orgnr
    assert draft.departments.count() == 1 and draft.staff.count() == 4
    old_files = sorted(submitted.documents.values_list("file", flat=True))
    assert sorted(draft.documents.values_list("file", flat=True)) == old_files  # same stored files
    assert services.application_revise(application=submitted) == draft  # one open draft
    # editing the new version leaves the old one untouched
    services.application_save_draft(
        application=draft,
        organisation={"name": "Nytt navn AS"},
        departments=[{"name": "Bergen", "municipality_number": "4601"}],
        staff=[],
    )
    submitted.refresh_from_db()
    assert submitted.name != "Nytt navn AS"
    assert submitted.staff.count() == 4 and submitted.departments.get().name == "Oslo"
    # removing a shared document from the draft keeps the file for the submitted version
    doc = draft.documents.first()
    services.document_remove(document=doc)
    assert doc.file.storage.exists(doc.file.name)


def test_submitting_a_revision_is_a_supplement(provider, actor, django_capture_on_commit_callbacks):
    submitted = services.application_submit(application=declare(complete_draft(provider)), actor=actor)
    case = submitted.case
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.AWAITING_INFORMATION)
    draft = services.application_revise(application=submitted)
    declare(draft)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.application_submit(application=draft, actor=actor)
    case.refresh_from_db()
    assert result.status == ApplicationStatus.SUBMITTED and result.case_id == case.pk
    assert case.status == CaseStatus.IN_REVIEW
    assert list(case.events.values_list("kind", flat=True)) == [CaseEvent.Kind.SUBMITTED, CaseEvent.Kind.SUPPLEMENTED]
    assert Case.objects.count() == 1
    assert result.evaluation["approvable"] is True


# ---------------------------------------------------------------- drafts and documents
def test_create_prefills_from_the_provider(provider):
    provider.departments.create(name="Hovedkontor", municipality_number="0301")
    application = services.application_create(provider=provider)
    assert (application.orgnr, application.name, application.email) == (provider.orgnr, provider.name, provider.email)
    assert list(application.departments.values_list("name", flat=True)) == ["Hovedkontor"]


def test_save_draft_updates_rows_in_place_and_removes_the_rest(provider):
    application = complete_draft(provider)
    ids = list(application.staff.order_by("id").values_list("id", flat=True))
    row = {
        "name": "Ny Person",
        "profession": "nurse",
        "hpr_number": "",
        "fte": Decimal("0.5"),
        "fte_occupational_medicine": Decimal("0"),
        "fte_occupational_hygiene": Decimal("0"),
        "fte_ergonomics": Decimal("0"),
        "fte_psychosocial": Decimal("0"),
        "fte_systematic_hse": Decimal("0.5"),
        "employment": "permanent",
        "training_completed_on": None,
    }
    services.application_save_draft(application=application, organisation={}, departments=[], staff=[row])
    assert list(application.staff.values_list("id", "name")) == [(ids[0], "Ny Person")]
    with pytest.raises(ValidationError):
        services.application_save_draft(
            application=application,
            organisation={},
            departments=[],
            staff=[{**row, "fte_systematic_hse": Decimal("0.6")}],
        )
    assert application.staff.get().fte_systematic_hse == Decimal("0.5")  # rolled back


def test_document_add_stores_privately_with_random_name_and_hash(provider, actor, settings):
    application = ApplicationFactory(provider=provider)
    pdf = minimal_pdf("Kvalitetssystem")
    doc = services.document_add(
        application=application,
        kind="quality_system",
        uploaded=SimpleUploadedFile("Kvalitetshåndbok 2026.pdf", pdf),
        actor=actor,
    )
    import hashlib
    from pathlib import Path

    assert doc.original_name == "Kvalitetshåndbok 2026.pdf"
    assert doc.sha256 == hashlib.sha256(pdf).hexdigest() and doc.size == len(pdf)
    assert "Kvalitet" not in doc.file.name and doc.file.name.endswith(".pdf")
    path = Path(doc.file.path)
    assert path.is_relative_to(Path(settings.MEDIA_ROOT)) and path.read_bytes() == pdf
    assert doc.uploaded_by == actor


def test_document_add_refuses_a_renamed_non_pdf(provider):
    application = ApplicationFactory(provider=provider)
    with pytest.raises(ValidationError) as exc:
        services.document_add(
            application=application, kind="expertise", uploaded=SimpleUploadedFile("cv.pdf", b"PK\x03\x04word document")
        )
    assert exc.value.code == "not_pdf"
    assert not ApplicationDocument.objects.exists()


def test_document_remove_deletes_an_unshared_file(provider, django_capture_on_commit_callbacks):
    application = ApplicationFactory(provider=provider)
    doc = services.document_add(
        application=application, kind="expertise", uploaded=SimpleUploadedFile("a.pdf", minimal_pdf())
    )
    storage, name = doc.file.storage, doc.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.document_remove(document=doc)
    assert not storage.exists(name)


# ---------------------------------------------------------------- selectors for H5/H6
def test_application_get_for_user_scopes_by_provider(
    provider_user, other_provider_user, case_handler, admin_user, inspector
):
    application = ApplicationFactory(provider=provider_user.provider)
    assert application_get_for_user(user=provider_user, pk=application.pk) == application
    assert application_get_for_user(user=case_handler, pk=application.pk) == application
    assert application_get_for_user(user=admin_user, pk=application.pk) == application
    for user in (other_provider_user, inspector):
        with pytest.raises(Http404):
            application_get_for_user(user=user, pk=application.pk)
    doc = add_documents(application)[0]
    assert document_get_for_user(user=case_handler, pk=doc.pk) == doc
    with pytest.raises(Http404):
        document_get_for_user(user=other_provider_user, pk=doc.pk)


def _with_doctor(provider, fte, *, submitted=True, case_status=None):
    app = ApplicationFactory(provider=provider)
    app.staff.create(
        name="Dr. Dobbel",
        profession="physician",
        hpr_number="7777777",
        fte=Decimal(fte),
        fte_occupational_medicine=Decimal(fte),
    )
    if submitted:
        case = CaseFactory(
            provider=provider, _with_application=False, **({"status": case_status} if case_status else {})
        )
        mark_submitted(app, case=case)
    return app


def test_rule_input_counts_other_providers_current_applications_only(provider):
    mine = ApplicationFactory(provider=provider, approvable=True)
    mine.staff.create(
        name="Dr. Dobbel",
        profession="physician",
        hpr_number="7777777",
        fte=Decimal("0.5"),
        fte_occupational_medicine=Decimal("0.5"),
    )
    _with_doctor(ProviderFactory(), "0.4")  # submitted elsewhere: counts
    _with_doctor(ProviderFactory(), "0.3", case_status=CaseStatus.APPROVED)  # approved elsewhere: counts
    _with_doctor(ProviderFactory(), "0.9", submitted=False)  # a draft elsewhere: not counted
    _with_doctor(ProviderFactory(), "0.9", case_status=CaseStatus.REJECTED)  # rejected: not counted
    _with_doctor(ProviderFactory(), "0.9", case_status=CaseStatus.REVOKED)  # revoked: not counted
    _with_doctor(provider, "0.9")  # the same provider's own other application: not "other"
    rule_input = application_rule_input(application=mine)
    assert rule_input.other_fte_by_hpr == {"7777777": Decimal("0.7")}
    evaluation = application_evaluate(application=mine)
    warning = next(w for w in evaluation.warnings if w.id == "person_over_full_time")
    assert "1,2" in warning.message_nb
    assert isinstance(evaluation, rules.Evaluation)
    assert [r.id for r in evaluation.failed] == [
        "training"
    ]  # Dr. Dobbel has no training date; the warning blocks nothing


def test_rule_input_counts_only_the_latest_submitted_version_of_a_case(provider):
    mine = ApplicationFactory(provider=provider)
    mine.staff.create(
        name="Dr",
        profession="physician",
        hpr_number="7777777",
        fte=Decimal("0.5"),
        fte_occupational_medicine=Decimal("0.5"),
    )
    other = ProviderFactory()
    v1 = _with_doctor(other, "0.9")
    v2 = _with_doctor(other, "0.2", submitted=False)
    mark_submitted(v2, case=v1.case)
    assert application_rule_input(application=mine).other_fte_by_hpr == {"7777777": Decimal("0.2")}
