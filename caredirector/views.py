from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Answer load balancers: the process is up. Touches no database on purpose."""
    return HttpResponse("ok\n", content_type="text/plain")


def permission_denied(request, exception=None):
    """Explain a refusal in words instead of a bare 403."""
    message = str(exception) if exception and str(exception) else ""
    return render(request, "403.html", {"message": message}, status=403)
