"""The public register of approved providers (no login): page, CSV export and
GET /api/v1/providers. Only approvals valid today."""

from __future__ import annotations

import csv

from django import forms
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.throttling import AnonRateThrottle

from accounts.access import PUBLIC, access
from approvals.selectors.public_register import providers_approved_on
from core.forms import QuickSelect
from enterprises.municipalities import counties, county_of, municipalities, municipality_name

PAGE_SIZE = 25


class RegisterSearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Name, organisation number, municipality or county"), required=False, max_length=100
    )
    municipality = forms.ChoiceField(
        label=gettext_lazy("Municipality"), required=False, widget=QuickSelect(attrs={"class": "form-select"})
    )
    county = forms.ChoiceField(
        label=gettext_lazy("County"), required=False, widget=QuickSelect(attrs={"class": "form-select"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = [("", gettext_lazy("All"))] + sorted(
            ((m.number, m.name) for m in municipalities().values()), key=lambda c: c[1]
        )
        self.fields["county"].choices = [("", gettext_lazy("All"))] + list(counties().items())


def _filters(params) -> dict:
    """Selector arguments from the query string. A free-text search that is exactly a
    municipality or county name searches by place instead of by name."""
    form = RegisterSearchForm(params or None)
    data = form.cleaned_data if form.is_valid() else {}
    q = (data.get("q") or "").strip()
    municipality = data.get("municipality", "")
    county = data.get("county", "")
    if q:
        lower = q.lower()
        muni = next((m.number for m in municipalities().values() if m.name.lower() == lower), None)
        cty = next((n for n, name in counties().items() if name.lower() == lower), None)
        if muni and not municipality:
            municipality, q = muni, ""
        elif cty and not county:
            county, q = cty, ""
    return {"form": form, "q": q, "municipality_number": municipality, "county_number": county}


def _providers(params):
    f = _filters(params)
    form = f.pop("form")
    return form, providers_approved_on(**f)


def _approval(provider):
    approvals = getattr(provider, "valid_approvals", [])
    return approvals[0] if approvals else None


def _decorate(provider):
    provider.approval = _approval(provider)
    provider.municipality_name = municipality_name(provider.municipality_number)
    for d in provider.departments.all():
        d.municipality_name = municipality_name(d.municipality_number)
        d.county_name = county_of(d.municipality_number)[1]
    return provider


@access(PUBLIC)
def register(request):
    form, qs = _providers(request.GET)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for p in page.object_list:
        _decorate(p)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "approvals/register/register.html",
        {
            "title": _("Approved occupational health services"),
            "form": form,
            "page": page,
            "query": params.urlencode(),
            "today": timezone.localdate(),
        },
    )


@access(PUBLIC)
def register_csv(request):
    _form, qs = _providers(request.GET)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="godkjente-bht-{timezone.localdate():%Y-%m-%d}.csv"'
    response.write("\ufeff")  # BOM: spreadsheets then read æøå correctly
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Name"),
            _("Organisation number"),
            _("Form"),
            _("Address"),
            _("Municipality"),
            _("Departments"),
            _("Contact person"),
            _("E-mail"),
            _("Phone"),
            _("Approved from"),
            _("Approved until"),
        ]
    )
    for p in qs:
        _decorate(p)
        writer.writerow(
            [
                p.name,
                p.orgnr,
                p.get_form_display(),
                " ".join(x for x in (p.street_address, p.postcode, p.city) if x),
                p.municipality_name,
                "; ".join(f"{d.name} ({d.municipality_name or d.municipality_number})" for d in p.departments.all()),
                p.contact_person,
                p.email,
                p.phone,
                p.approval.valid_from.isoformat() if p.approval else "",
                p.approval.valid_until.isoformat() if p.approval else "",
            ]
        )
    return response


# ---------------------------------------------------------------- GET /api/v1/providers
class DepartmentOut(serializers.Serializer):
    name = serializers.CharField()
    street_address = serializers.CharField()
    postcode = serializers.CharField()
    city = serializers.CharField()
    municipality_number = serializers.CharField()
    municipality_name = serializers.SerializerMethodField()
    county_name = serializers.SerializerMethodField()

    def get_municipality_name(self, obj) -> str:
        return municipality_name(obj.municipality_number)

    def get_county_name(self, obj) -> str:
        return county_of(obj.municipality_number)[1]


class ContactOut(serializers.Serializer):
    person = serializers.CharField(source="contact_person")
    email = serializers.CharField()
    phone = serializers.CharField()
    street_address = serializers.CharField()
    postcode = serializers.CharField()
    city = serializers.CharField()


class ApprovalPeriodOut(serializers.Serializer):
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    special_case = serializers.BooleanField()


class ProviderOut(serializers.Serializer):
    name = serializers.CharField()
    orgnr = serializers.CharField()
    form = serializers.CharField()
    form_label = serializers.CharField(source="get_form_display")
    municipality_number = serializers.CharField()
    departments = DepartmentOut(many=True)
    contact = serializers.SerializerMethodField()
    approval = serializers.SerializerMethodField()

    @extend_schema_field(ContactOut)
    def get_contact(self, obj):
        return ContactOut(obj).data

    @extend_schema_field(ApprovalPeriodOut(allow_null=True))
    def get_approval(self, obj):
        approval = _approval(obj)
        return ApprovalPeriodOut(approval).data if approval else None


class ProvidersAPIView(ListAPIView):
    """Approved occupational health services (valid today), as in the public register."""

    access = (PUBLIC,)
    serializer_class = ProviderOut
    pagination_class = None
    throttle_classes = [AnonRateThrottle]

    def get_queryset(self):
        return _providers(self.request.query_params)[1]

    @extend_schema(
        summary="Approved providers (BHT) valid today",
        parameters=[
            OpenApiParameter("q", str, description="Name, organisation number, municipality or county name"),
            OpenApiParameter("municipality", str, description="Municipality number (4 digits)"),
            OpenApiParameter("county", str, description="County number (2 digits)"),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
