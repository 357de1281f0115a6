"""Load the industry classifications, the SN2007 → SN2025 correspondence, municipalities and
every version of the § 13-1 list from `enterprises/data/`. Idempotent."""

from django.core.management.base import BaseCommand

from enterprises.reference import reference_data_load


class Command(BaseCommand):
    help = "Load reference data (SN2025, SN2007, correspondence, municipalities, § 13-1 lists). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", help="folder with the CSV files (default: enterprises/data)")

    def handle(self, *args, **options):
        report = reference_data_load(data_dir=options.get("data_dir"))
        for table, counts in report.items():
            self.stdout.write(
                f"{table}: {counts['created']} created, {counts['updated']} updated, {counts['deleted']} deleted"
            )
