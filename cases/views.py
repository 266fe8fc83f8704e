from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from cases import access
from cases.forms import AccessFilterForm
from cases.models import BreakGlass, Case

CASES_PER_PAGE = 25


@require_GET
def case_list(request):
    """List open and closed cases, newest first, found by name, case number or NHS number."""
    query = request.GET.get("q", "").strip()[:100]
    cases = Case.objects.for_list().search(query).filter(access.visible(request.user))
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cases/case_list.html", {"page": page, "query": query})


@require_GET
def case_detail(request, pk):
    """Show the Case Record: the person's details and the case's own."""
    case = get_object_or_404(Case.objects.for_record(), pk=pk)
    access.refuse_unless_may_open(request, case)
    access.seen(request, access.Kind.CASE_RECORD, case.person_id, case_id=case.pk, object_id=case.pk)
    return render(request, "cases/case_detail.html", {"case": case, "person": case.person.with_code_values()})


@require_GET
def record_accesses(request, pk):
    """Who viewed this record: the access log of the case's client, newest first, by user and by day."""
    case = get_object_or_404(Case.objects.for_header(), pk=pk)
    if not access.may_see_accesses(request.user, case):
        raise PermissionDenied("Only information governance, and the managers of the case's team, see who viewed it.")
    access.refuse_unless_may_open(request, case)
    filters = AccessFilterForm(request.GET or None, viewers=access.viewers_of(case.person_id))
    chosen = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    accesses = access.accesses_of(
        case.person_id, user_id=chosen.get("user"), since=chosen.get("since"), until=chosen.get("until")
    )
    page = access.accesses_page(accesses, after=request.GET.get("after"), before=request.GET.get("before"))
    context = {"case": case, "filters": filters, "page": page, "kinds": dict(access.Kind.choices)}
    return render(request, "cases/record_accesses.html", context)


@require_POST
def break_glass(request, pk):
    """Break the glass: open a restricted client's record, giving a reason (recorded for information governance)."""
    case = get_object_or_404(Case.objects.for_header(), pk=pk)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = case.get_absolute_url()
    if not case.person.restricted:
        return redirect(target)  # nothing to open: not recorded
    try:
        access.break_glass(request, case.person_id, request.POST.get("reason", ""), case_id=case.pk)
    except ValueError as refused:
        context = {"person_id": case.person_id, "case_id": case.pk, "next": target, "error": str(refused)}
        context["reason"] = request.POST.get("reason", "")
        return render(request, "cases/restricted.html", context, status=400)
    return redirect(target)


@require_GET
def broken_glass(request):
    """Every break of the glass, newest first: information governance's to review."""
    if not request.user.has_perm(access.VIEW_PERMISSION):
        raise PermissionDenied("Only information governance reviews the breaks of the glass.")
    breaks = BreakGlass.objects.select_related("user", "person").order_by("-at", "-id")
    page = Paginator(breaks, 50).get_page(request.GET.get("page"))
    return render(request, "cases/broken_glass.html", {"page": page})
