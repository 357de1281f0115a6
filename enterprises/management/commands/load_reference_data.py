"""Load the industry classifications and the § 13-1 list (filled in by the enterprises work)."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load reference data (SN2025, SN2007, correspondence, § 13-1 list). Idempotent."

    def handle(self, *args, **options):
        self.stdout.write("No reference data to load yet.")
