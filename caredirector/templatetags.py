"""Template tags every page may use without {% load %}: the error summary and icons."""

from django import template

register = template.Library()


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms):
    """List every error of the given forms at the top of the page, each linking to its field."""
    forms = [form for form in forms if form is not None]
    return {
        "non_field_errors": [error for form in forms for error in form.non_field_errors()],
        "field_errors": [
            (field.id_for_label or field.html_name, field.label, error)
            for form in forms
            for field in form
            for error in field.errors
        ],
    }


@register.inclusion_tag("includes/icon.html")
def icon(name, label=""):
    """Draw a small inline SVG icon; with a label it is announced, without one it is decorative."""
    return {"name": name, "label": label}


@register.simple_tag(takes_context=True)
def url_with(context, **changes):
    """Return this page's query string with some parameters changed (None removes one), e.g. for pagination."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return f"?{query.urlencode()}" if query else "?"
