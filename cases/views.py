from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from cases import access
from cases.forms import AccessFilterForm
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


@require_GET
def record_accesses(request, pk):
    """Who viewed this record: the access log of the case's client, newest first, by user and by day."""
    case = get_object_or_404(Case.objects.for_header(), pk=pk)
    if not access.may_see_accesses(request.user, case):
        raise PermissionDenied("Only information governance, and the managers of the case's team, see who viewed it.")
    filters = AccessFilterForm(request.GET or None, viewers=access.viewers_of(case.person_id))
    chosen = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    accesses = access.accesses_of(
        case.person_id, user_id=chosen.get("user"), since=chosen.get("since"), until=chosen.get("until")
    )
    page = access.accesses_page(accesses, after=request.GET.get("after"), before=request.GET.get("before"))
    context = {"case": case, "filters": filters, "page": page, "kinds": dict(access.Kind.choices)}
    return render(request, "cases/record_accesses.html", context)
