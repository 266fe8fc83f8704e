from django.conf import settings


def site(request):
    """Put what every page's navigation needs in the template context, without a query."""
    return {"COUNCIL_NAME": settings.COUNCIL_NAME}
