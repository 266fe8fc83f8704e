from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from cases.models import Case


@require_GET
def case_forms(request, pk):
    """List the forms recorded on one case: Forms (Case)."""
    case = get_object_or_404(Case.objects.for_list(), pk=pk)
    return render(request, "forms_engine/case_forms.html", {"case": case, "forms": []})
