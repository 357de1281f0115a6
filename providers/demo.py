"""Demo client lists for `manage.py seed_demo` (idempotent): provider A lists the demo
enterprise user's enterprise (waiting for its confirmation) and some forty generated
enterprises; provider B lists one of A's clients too (both see the overlap warning), and A
has an upload waiting for confirmation with refused rows, so its report can be read."""

from __future__ import annotations

import datetime
import io

from django.utils import timezone

from enterprises.models import Enterprise

from . import services
from .models import Affiliation, ClientListUpload, Provider

PROVIDER_A, PROVIDER_B = "988077917", "974760673"
SHOWCASE_A = ["923609016", "919376074", "914778271"]
SHOWCASE_B = ["914778271"]
GENERATED_A = 40


def seed(*, stdout=None) -> None:
    a = Provider.objects.filter(orgnr=PROVIDER_A).first()
    b = Provider.objects.filter(orgnr=PROVIDER_B).first()
    if a is None or b is None or Affiliation.objects.filter(provider=a).exists():
        return
    start = timezone.localdate().replace(month=1, day=1) - datetime.timedelta(days=365)
    showcase = "".join(f"{orgnr};{start:%d.%m.%Y};;\n" for orgnr in SHOWCASE_A)
    generated = (
        Enterprise.objects.filter(deleted_on__isnull=True, bankrupt=False, employees__gte=5)
        .exclude(orgnr__in=SHOWCASE_A)
        .order_by("orgnr")
        .values_list("orgnr", "employees")[:GENERATED_A]
    )
    rows = showcase + "".join(f"{orgnr};{start:%d.%m.%Y};;{employees}\n" for orgnr, employees in generated)
    upload = services.client_list_upload_check(provider=a, lines=io.StringIO(rows), actor=None, filename="demo.csv")
    services.affiliations_import_confirm(upload=upload, actor=None)
    for orgnr in SHOWCASE_B:
        services.affiliation_create(provider=b, orgnr=orgnr, actor=None, valid_from=start)
    # A second file waiting for confirmation: good rows and refused ones.
    spare = Enterprise.objects.filter(deleted_on__isnull=True, bankrupt=False).exclude(affiliations__isnull=False)
    spare = list(spare.order_by("-orgnr").values_list("orgnr", flat=True)[:3])
    pending = "organisasjonsnummer;fra;til;ansatte\n" + "".join(f"{o};;;\n" for o in spare)
    pending += "923609017;;;\n918283528;;;\n923609016;;;\n916525567;01.06.2026;01.01.2026;\n"
    services.client_list_upload_check(provider=a, lines=io.StringIO(pending), actor=None, filename="nye-klienter.csv")
    if stdout:
        stdout.write(
            f"providers: {Affiliation.objects.count()} affiliations, "
            f"{ClientListUpload.objects.filter(status='reported').count()} upload waiting for confirmation"
        )
