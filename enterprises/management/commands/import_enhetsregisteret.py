"""Import the register's bulk file (gzip-compressed JSON array) into the local copy."""

import sys

import ijson
from django.core.management.base import BaseCommand, CommandError

from enterprises.national_register import ENHETER, UNDERENHETER, import_file


class Command(BaseCommand):
    help = (
        "Import Enhetsregisteret's bulk file (/enheter/lastned, or /underenheter/lastned with --underenheter): "
        "streamed, in batches, upsert by organisation number (safe to re-run)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to the .json.gz file")
        parser.add_argument("--underenheter", action="store_true", help="the file holds sub-units")
        parser.add_argument("--batch-size", type=int, default=10_000)
        parser.add_argument("--quiet-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        kind = UNDERENHETER if options["underenheter"] else ENHETER
        tty = hasattr(self.stdout, "isatty") and self.stdout.isatty()

        def progress(summary, fraction):
            if options["quiet_progress"]:
                return
            width = 30
            filled = int(fraction * width)
            rate = summary.read / summary.seconds if summary.seconds else 0
            line = (
                f"[{'#' * filled}{'.' * (width - filled)}] {fraction:6.1%} "
                f"{summary.read:,} read, {summary.rejected:,} rejected, {rate:,.0f}/s"
            )
            self.stdout.write(("\r" + line) if tty else line, ending="" if tty else "\n")
            sys.stdout.flush()

        try:
            summary = import_file(options["file"], kind=kind, batch_size=options["batch_size"], progress=progress)
        except FileNotFoundError:
            raise CommandError(f"No such file: {options['file']}")
        except (ValueError, OSError, EOFError, ijson.JSONError) as exc:  # not gzip / not a JSON array
            raise CommandError(f"{options['file']} is not a bulk file in the register's format: {exc}")
        if tty:
            self.stdout.write("")
        rate = summary.read / summary.seconds if summary.seconds else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"{kind.name}: {summary.read:,} read, {summary.created:,} created, {summary.updated:,} updated, "
                f"{summary.unchanged:,} unchanged, {summary.rejected:,} rejected "
                f"in {summary.seconds:.1f} s ({rate:,.0f} units/s)"
            )
        )
        for reason, count in summary.reasons.most_common():
            self.stdout.write(f"  rejected: {count:,} × {reason}")
        for example in summary.examples:
            self.stdout.write(f"    e.g. {example}")
