import datetime

from django.conf import settings
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


@login_not_required
@require_GET
def accessibility(request):
    """The accessibility statement the Public Sector Bodies Accessibility Regulations ask for, in GOV.UK's model
    wording; open to everyone, signed in or not, and linked from every page's footer."""
    return render(
        request,
        "accessibility.html",
        {
            "contact": settings.ACCESSIBILITY_CONTACT,
            "prepared": STATEMENT_PREPARED,
            "tested": STATEMENT_TESTED,
            "pages_tested": PAGES_TESTED.values(),
        },
    )


# When the statement was written, and when the pages were last tested as it says (make test runs the same checks on
# every change; update the date when the statement is reviewed, at least once a year).
STATEMENT_PREPARED = datetime.date(2026, 12, 4)
STATEMENT_TESTED = datetime.date(2026, 12, 4)

# The pages the statement says were tested, by their names in the URL resolver: tests/browser/test_accessibility.py
# checks every one of them, and fails when a page it checks is missing here.
PAGES_TESTED = {
    "dashboards:my-forms": "Home (My Forms)",
    "login": "Sign in",
    "password_change": "Change your password",
    "password_change_done": "Password changed",
    "accessibility": "This accessibility statement",
    "cases:case-list": "Cases (search)",
    "cases:case-detail": "Case Record",
    "cases:record-accesses": "Who viewed this record (the access log of a Case Record)",
    "forms:subject-access": "Subject access export (of everything held on a person)",
    "cases:broken-glass": "Breaks of the glass (information governance's review)",
    "forms:case-forms": "Forms (Case)",
    "forms:form-new": "Create New Record (a new form)",
    "forms:form-edit": "A form, in each of its states",
    "forms:form-history": "A form's History",
    "forms:form-print": "Print (choosing the sections)",
    "forms:print-history": "Print History",
    "dashboards:dashboard-list": "Dashboards",
    "dashboards:sign-off": "Forms to Sign-Off (the chart and its table)",
    "dashboards:sign-off-list": "Forms to Sign-Off (the list of forms, with closing several at once)",
    "dashboards:teams": "My teams and deputies",
    "cld:extract": "CLD Extract",
    "cld:runs": "The runs of the CLD extract",
    "cld:run": "A run of the CLD extract, queued and done",
    "admin": "Administration: its index, and each kind of record's list, new and edit pages",
    "403": "Not allowed",
    "404": "Page not found",
}
