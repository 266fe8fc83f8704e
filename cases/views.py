from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from cases import access
from cases.models import Case

CASES_PER_PAGE = 25


@require_GET
def case_list(request):
    """List open and closed cases, newest first, found by name, case number or NHS number."""
    query = request.GET.get("q", "").strip()[:100]
    cases = Case.objects.for_list().search(query)
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cases/case_list.html", {"page": page, "query": query})


@require_GET
def case_detail(request, pk):
    """Show the Case Record: the person's details and the case's own."""
    case = get_object_or_404(Case.objects.for_record(), pk=pk)
    access.seen(request, access.Kind.CASE_RECORD, case.person_id, case_id=case.pk, object_id=case.pk)
    return render(request, "cases/case_detail.html", {"case": case, "person": case.person.with_code_values()})
