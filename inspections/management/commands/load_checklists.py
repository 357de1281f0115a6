"""Load the checklists in inspections/checklists/*.json that are not in the database yet."""

from django.core.management.base import BaseCommand

from inspections.services import checklists_load


class Command(BaseCommand):
    help = "Load new checklist versions from inspections/checklists/*.json (existing versions are never changed)."

    def handle(self, *args, **options):
        created = checklists_load()
        for version in created:
            self.stdout.write(f"loaded {version} ({version.points.count()} points)")
        if not created:
            self.stdout.write("no new checklist versions")
