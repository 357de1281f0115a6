"""Minimal inspector pages: inspections with findings and orders, orders with deadlines,
documenting compliance."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import access
from accounts.models import Role
from core.limits import TEXT_MAX

from . import selectors, services
from .models import Inspection, Order, OrderStatus


class ComplianceForm(forms.Form):
    documentation = forms.CharField(
        max_length=TEXT_MAX,
        label=gettext_lazy("Documentation of compliance"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("For a missing BHT: the signed contract and the plan, with dates."),
    )


@access(Role.INSPECTOR, Role.ADMIN)
def inspection_list(request):
    q = request.GET.get("q", "").strip()
    page = Paginator(selectors.inspections(q=q), 25).get_page(request.GET.get("page"))
    return render(request, "inspections/inspection_list.html", {"page": page, "q": q})


@access(Role.INSPECTOR, Role.ADMIN)
def inspection_detail(request, pk):
    inspection = get_object_or_404(Inspection.objects.select_related("inspector", "provider"), pk=pk)
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "findings": inspection.findings.all(),
            "orders": inspection.orders.select_related("finding").all(),
        },
    )


@access(Role.INSPECTOR, Role.ADMIN)
def order_list(request):
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip()
    page = Paginator(selectors.orders(status=status, q=q), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/order_list.html",
        {
            "page": page,
            "status": status,
            "q": q,
            "statuses": OrderStatus.choices,
        },
    )


@access(Role.INSPECTOR, Role.ADMIN)
def order_detail(request, pk):
    order = get_object_or_404(Order.objects.select_related("inspection", "finding", "overdue_notice"), pk=pk)
    form = ComplianceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.order_compliance_document(
                order=order, actor=request.user, documentation=form.cleaned_data["documentation"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Compliance is documented; the order is closed."))
        return redirect("inspections:order_detail", pk=order.pk)
    return render(request, "inspections/order_detail.html", {"order": order, "form": form})
