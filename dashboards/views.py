from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
@permission_required("accounts.authorise_forms", raise_exception=True)
def dashboard_list(request):
    """List the dashboards open to managers."""
    return render(request, "dashboards/dashboard_list.html", {"dashboards": []})
