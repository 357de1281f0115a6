"""Factories for the approvals app, with named states.

ApplicationFactory()                          a draft with no staff
ApplicationFactory(approvable=True)           a draft whose roster passes every statutory rule
ApplicationFactory(submitted=True)            submitted on a new case (frozen), approvable
CaseFactory(status="in_review")               a case with one submitted application
ApprovalFactory(ends_in_days=20)              a valid approval ending 20 days from today
"""

import datetime
import hashlib
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from approvals.models import (
    Application,
    ApplicationDocument,
    ApplicationStatus,
    Approval,
    Case,
    Decision,
    DecisionOutcome,
    StaffMember,
)
from tests.factories import ProviderFactory, UserFactory

# The smallest real PDF (one empty page), for documents in tests.
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n170\n%%EOF\n"
)

# An approvable roster: 3.6 FTE, every discipline covered, all trained, all permanent.
APPROVABLE_ROSTER = [
    (
        "Lege Lise",
        "occupational_physician",
        "1000001",
        "1.0",
        {"occupational_medicine": "0.8", "systematic_hse": "0.2"},
    ),
    ("Hygieniker Hans", "occupational_hygienist", "", "1.0", {"occupational_hygiene": "0.8", "systematic_hse": "0.2"}),
    ("Fysio Frida", "physiotherapist", "1000003", "0.8", {"ergonomics": "0.8"}),
    ("Psykolog Per", "psychologist", "1000004", "0.8", {"psychosocial": "0.6", "systematic_hse": "0.2"}),
]


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application
        skip_postgeneration_save = True

    provider = factory.SubFactory(ProviderFactory)
    orgnr = factory.SelfAttribute("provider.orgnr")
    name = factory.SelfAttribute("provider.name")
    city = "Oslo"
    municipality_number = "0301"
    contact_person = "Kari Kontakt"
    email = "post@bht.test"
    phone = "22 00 00 00"

    class Params:
        approvable = factory.Trait(
            _roster=factory.PostGeneration(lambda obj, create, extracted, **kw: add_roster(obj)),
            _docs=factory.PostGeneration(lambda obj, create, extracted, **kw: add_documents(obj)),
        )
        submitted = factory.Trait(
            approvable=True,
            _submit=factory.PostGeneration(lambda obj, create, extracted, **kw: mark_submitted(obj)),
        )


def add_roster(application: Application, roster=APPROVABLE_ROSTER) -> list[StaffMember]:
    members = []
    for name, profession, hpr, fte, disciplines in roster:
        fields = {StaffMember.DISCIPLINE_FIELDS[d]: Decimal(v) for d, v in disciplines.items()}
        members.append(
            StaffMember.objects.create(
                application=application,
                name=name,
                profession=profession,
                hpr_number=hpr,
                fte=Decimal(fte),
                training_completed_on=datetime.date(2024, 1, 15),
                **fields,
            )
        )
    return members


def add_documents(application: Application, kinds=("quality_system", "competence_development_plan")):
    docs = []
    for kind in kinds:
        doc = ApplicationDocument(
            application=application,
            kind=kind,
            original_name=f"{kind}.pdf",
            size=len(MINIMAL_PDF),
            sha256=hashlib.sha256(MINIMAL_PDF).hexdigest(),
        )
        doc.file.save(f"{kind}.pdf", ContentFile(MINIMAL_PDF), save=False)
        doc.save()
        docs.append(doc)
    return docs


def mark_submitted(application: Application, case: Case | None = None) -> Application:
    """Attach the application to a (new) case as its submitted version, bypassing the
    submission service (which has its own tests)."""
    case = case or CaseFactory(provider=application.provider, _with_application=False)
    Application.objects.filter(pk=application.pk).update(
        case=case,
        status=ApplicationStatus.SUBMITTED,
        submitted_at=case.received_at,
        declaration_accepted=True,
        version=case.applications.count() + 1,
    )
    application.refresh_from_db()
    return application


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case
        skip_postgeneration_save = True

    provider = factory.SubFactory(ProviderFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    sequence = factory.Sequence(lambda n: 9000 + n)
    case_number = factory.LazyAttribute(lambda o: f"{o.year}/{o.sequence:04d}")
    received_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def _with_application(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            mark_submitted(ApplicationFactory(provider=obj.provider, approvable=True), case=obj)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # status is a protected FSMField: set it at creation only.
        status = kwargs.pop("status", None)
        obj = model_class(*args, **kwargs)
        if status:
            obj.__dict__["status"] = status
        obj.save()
        return obj


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    case = factory.SubFactory(CaseFactory, status="approved")
    outcome = DecisionOutcome.APPROVED
    decided_by = factory.SubFactory(UserFactory, case_handler=True)
    decided_at = factory.LazyFunction(timezone.now)
    valid_from = factory.LazyFunction(timezone.localdate)
    valid_until = factory.LazyAttribute(lambda o: o.valid_from.replace(year=o.valid_from.year + 5))


class ApprovalFactory(factory.django.DjangoModelFactory):
    """ApprovalFactory(ends_in_days=N): valid, ending N days from today (default ~5 years)."""

    class Meta:
        model = Approval
        exclude = ("ends_in_days",)

    ends_in_days = None
    decision = factory.SubFactory(DecisionFactory)
    case = factory.SelfAttribute("decision.case")
    provider = factory.SelfAttribute("decision.case.provider")
    valid_until = factory.LazyAttribute(
        lambda o: (
            timezone.localdate() + datetime.timedelta(days=o.ends_in_days)
            if o.ends_in_days is not None
            else o.decision.valid_until
        )
    )
    valid_from = factory.LazyAttribute(lambda o: min(o.decision.valid_from, o.valid_until))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        status = kwargs.pop("status", None)
        obj = model_class(*args, **kwargs)
        if status:
            obj.__dict__["status"] = status
        obj.save()
        return obj


def assessed(evaluation=None, *, not_met: tuple[str, ...] = ()) -> list[dict]:
    """Assessments as a case handler completes them: the rule-decided ones as pre-filled, the
    judgements (§ 2-2 første ledd bokstav a–c, § 2-4) in the handler's own words; the
    requirement ids in `not_met` marked not met with a reason."""
    from approvals.rules import REQUIREMENTS_BY_ID
    from approvals.selectors.cases import assessments_prefill

    out = []
    for a in assessments_prefill(evaluation=evaluation):
        req = REQUIREMENTS_BY_ID[a["id"]]
        text = a["assessment"] or f"Saksbehandlerens vurdering av {req.legal_ref}: dokumentasjonen er gjennomgått."
        met = a["met"]
        if a["id"] in not_met:
            met, text = False, f"Ikke oppfylt ({req.legal_ref}): dokumentasjonen viser ikke at kravet er oppfylt."
        out.append({**a, "met": met, "assessment": text})
    return out
