"""Follow Enhetsregisteret's change feed and re-fetch the changed units."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from enterprises.sync import KINDS, NoStartingPoint, RegisterClient, RegisterUnavailable, register_sync


class Command(BaseCommand):
    help = (
        "Bring the copy of Enhetsregisteret up to date from /oppdateringer/enheter (from the last seen update id), "
        "against settings.ENHETSREGISTERET_BASE_URL or --base-url."
    )

    def add_arguments(self, parser):
        parser.add_argument("--underenheter", action="store_true", help="follow the sub-unit feed")
        parser.add_argument("--base-url", help="the register API (default: settings.ENHETSREGISTERET_BASE_URL)")
        parser.add_argument("--since", help="start time (ISO 8601) when no update id has been seen yet")
        parser.add_argument("--timeout", type=float, help="seconds per request")
        parser.add_argument("--page-size", type=int, default=500)

    def handle(self, *args, **options):
        kind = KINDS["underenheter" if options["underenheter"] else "enheter"]
        since = None
        if options["since"]:
            try:
                since = datetime.datetime.fromisoformat(options["since"].replace("Z", "+00:00"))
            except ValueError:
                raise CommandError(f"--since is not an ISO 8601 time: {options['since']}")
            if since.tzinfo is None:
                since = since.replace(tzinfo=datetime.UTC)
        client = RegisterClient(options["base_url"], timeout=options["timeout"])
        try:
            summary = register_sync(kind=kind, client=client, since=since, page_size=options["page_size"])
        except RegisterUnavailable as exc:
            raise CommandError(f"Enhetsregisteret could not be reached, nothing changed: {exc}")
        except NoStartingPoint as exc:
            raise CommandError(str(exc))
        self.stdout.write(
            self.style.SUCCESS(
                f"{kind.name}: {summary.updates} updates read, {summary.created} created, {summary.updated} updated, "
                f"{summary.unchanged} unchanged, {summary.deleted} marked deleted, {summary.removed} removed, "
                f"{summary.missing} not found, {summary.rejected} rejected; last update id {summary.last_update_id}"
            )
        )
