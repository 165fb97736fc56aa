from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render

from .models import Note, Partner


def _page(request):
    notes = (
        Note.objects.filter(partner=OuterRef("pk"))
        .order_by()
        .values("partner")
        .annotate(n=Count("pk"))
        .values("n")
    )
    partners = (
        Partner.objects.select_related("company", "manager")
        .annotate(notes_count=Coalesce(Subquery(notes), 0))
        .order_by("name")
    )
    return Paginator(partners, 25).get_page(request.GET.get("page"))


@login_required
def partner_list(request):
    return render(request, "bare/list.html", {"page": _page(request)})


@login_required
def partner_detail(request, pk):
    recent = Note.objects.order_by("-held_on")
    partner = get_object_or_404(
        Partner.objects.select_related("company", "manager").prefetch_related(
            Prefetch("notes", queryset=recent)
        ),
        pk=pk,
    )
    return render(request, "bare/detail.html", {"partner": partner})


@login_required
def partner_json(request):
    page = _page(request)
    results = [
        {
            "id": p.pk,
            "name": p.name,
            "stage": p.stage,
            "company": {"id": p.company_id, "name": p.company.name},
            "manager": {"id": p.manager_id, "email": p.manager.email},
            "next_due": p.next_due,
            "updated_at": p.updated_at,
            "notes_count": p.notes_count,
        }
        for p in page
    ]
    return JsonResponse({"count": page.paginator.count, "results": results})
