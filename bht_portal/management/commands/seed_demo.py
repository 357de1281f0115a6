"""Create the demo accounts and each app's demo records, then run the daily jobs once. Idempotent.
The project package orchestrates: each app seeds its own records through its own services."""

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Role, User
from accounts.services import DEMO_PASSWORD, user_get_or_create
from approvals import demo as approvals_demo
from approvals import demo_decisions
from approvals import demo_lifecycle as lifecycle_demo
from approvals.services import lifecycle
from core.models import JobRun
from core.services import job_run_record
from enterprises import demo as enterprises_demo
from inspections import demo as inspections_demo
from inspections.services import orders_overdue_mark
from oversight.services import targeting_candidates_refresh
from providers import demo as providers_demo
from providers.services import provider_get_or_create

DEMO_PROVIDERS = [
    # orgnr (valid checksum), name, city, municipality
    ("988077917", "Demo BHT A AS", "Oslo", "0301"),
    ("974760673", "Demo BHT B AS", "Bergen", "4601"),
]
DEMO_USERS = [
    ("admin@demo.no", "Ada Administrator", Role.ADMIN, None, ""),
    ("saksbehandler@demo.no", "Sara Saksbehandler", Role.CASE_HANDLER, None, ""),
    ("inspektor@demo.no", "Ivar Inspektør", Role.INSPECTOR, None, ""),
    ("bht-a@demo.no", "Anne BHT A", Role.PROVIDER, "988077917", ""),
    ("bht-b@demo.no", "Bjørn BHT B", Role.PROVIDER, "974760673", ""),
    ("virksomhet@demo.no", "Vera Virksomhet", Role.ENTERPRISE, None, "923609016"),
    ("inspektor2@demo.no", "Ingrid Inspektør", Role.INSPECTOR, None, ""),
    ("kodeverkstedet@demo.no", "Kari Kode", Role.ENTERPRISE, None, "916525567"),
]


def seed_accounts() -> None:
    providers = {}
    for orgnr, name, city, municipality in DEMO_PROVIDERS:
        providers[orgnr], _ = provider_get_or_create(
            orgnr=orgnr,
            defaults=dict(
                name=name,
                city=city,
                municipality_number=municipality,
                contact_person="Kari Kontakt",
                email=f"post@{name.split()[-2].lower()}.demo.no",
                phone="22 00 00 00",
                street_address="Storgata 1",
                postcode="0155" if city == "Oslo" else "5003",
            ),
        )
    for email, full_name, role, provider_orgnr, enterprise_orgnr in DEMO_USERS:
        user_get_or_create(
            email=email,
            password=DEMO_PASSWORD,
            full_name=full_name,
            role=role,
            provider=providers.get(provider_orgnr),
            enterprise_orgnr=enterprise_orgnr,
        )


class Command(BaseCommand):
    help = "Create demo accounts (password bht-demo-2026) and demo records. Safe to run twice."

    def handle(self, *args, **options):
        with transaction.atomic():
            seed_accounts()
            enterprises_demo.seed(stdout=self.stdout)
            # The older, decided approvals first: a provider cannot apply while a case is pending.
            made = lifecycle_demo.seed(stdout=self.stdout)
            approvals_demo.seed(stdout=self.stdout)
            providers_demo.seed(stdout=self.stdout)
            inspections_demo.seed(stdout=self.stdout)  # after the lifecycle: inspects an approved BHT
            demo_decisions.seed(stdout=self.stdout)
            # Run the daily jobs once, as beat would (only on the first seeding, so a second
            # seed_demo adds no job runs; after that, beat or the jobs page runs them).
            if made or not JobRun.objects.exists():
                expired = job_run_record(job="approvals.tasks.approvals_expire", func=lifecycle.approvals_expire)
                reminders = job_run_record(
                    job="approvals.tasks.renewal_reminders_send", func=lifecycle.renewal_reminders_run
                )
                orders = job_run_record(job="inspections.tasks.order_deadlines_check", func=orders_overdue_mark)
                job_run_record(job="oversight.tasks.targeting_candidates_refresh", func=targeting_candidates_refresh)
                self.stdout.write(f"lifecycle: reminders {reminders}, expiry {expired}, orders {orders}")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password: {DEMO_PASSWORD}):"))
        for user in User.objects.filter(email__endswith="@demo.no").select_related("provider").order_by("id"):
            where = f" ({user.provider.name})" if user.provider_id else ""
            self.stdout.write(f"  {user.email:<24} {user.get_role_display()}{where}")
