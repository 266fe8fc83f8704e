"""caredirector.html escapes exactly as Django does, and the list rows built with it escape every value they show."""

import pytest
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from hypothesis import given
from hypothesis import strategies as st

from caredirector.html import esc, html, join
from forms_engine import actions
from forms_engine.models import CldQualityFlag
from tests.factories import CaseFactory, FormTypeFactory, make_form

HOSTILE = "<script>alert('x')</script> & \"quoted\""


@given(st.text())
def test_escaping_matches_django_for_any_text(text):
    assert esc(text) == escape(text)
    assert html('<p title="{}">{}</p>', text, text) == format_html('<p title="{}">{}</p>', text, text)


@given(st.lists(st.one_of(st.text(max_size=20), st.integers(), st.none()), min_size=1, max_size=5))
def test_html_is_format_html_for_any_values(values):
    template = "".join("<i>{}</i>" for _ in values)
    built = html(template, *values)
    assert built == format_html(template, *values) and isinstance(built, SafeString)


def test_safe_markup_passes_through_and_plain_pieces_are_escaped_when_joined():
    bold = mark_safe("<b>kept</b>")  # noqa: S308 - test constant
    assert html("<td>{}</td>", bold) == "<td><b>kept</b></td>"
    assert join([bold, "<i>not kept</i>"]) == "<b>kept</b>&lt;i&gt;not kept&lt;/i&gt;"


@pytest.mark.django_db
def test_every_list_row_escapes_names_types_reasons_and_flags(client, practitioner, manager):
    case = CaseFactory(person__given_name=HOSTILE, person__family_name="<b>Family</b>")
    form_type = FormTypeFactory(name=f"Type {HOSTILE}", multiple_open_allowed=True)
    practitioner.first_name = HOSTILE
    practitioner.save()
    returned = make_form(status="complete", case=case, form_type=form_type, responsible_user=practitioner)
    actions.return_form(form=returned, revision=returned.revision, by=manager, reason=f"Reason {HOSTILE}")
    waiting = make_form(status="complete", case=case, form_type=form_type, responsible_user=practitioner)
    CldQualityFlag.objects.create(form=waiting, fields=[f"Flag {HOSTILE}"])
    pages = [
        (practitioner, reverse("home")),
        (practitioner, reverse("cases:case-forms", args=[case.pk])),
        (manager, reverse("dashboards:sign-off-list") + "?next=%3Cscript%3E&type=" + str(form_type.pk)),
    ]
    for user, url in pages:
        client.force_login(user)
        page = client.get(url).content.decode()
        assert "<script>" not in page and "<b>Family</b>" not in page, url
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;quoted&quot;" in page, url
    client.force_login(practitioner)
    page = client.get(reverse("home")).content.decode()
    assert "Reason &lt;script&gt;alert(" in page and "Flag &lt;script&gt;alert(" in page


@given(
    st.dictionaries(
        st.text(alphabet="abcdefgh-", min_size=1, max_size=6),
        st.one_of(st.booleans(), st.none(), st.text(max_size=10), st.integers()),
        max_size=8,
    )
)
def test_attributes_are_written_as_djangos_flatatt_writes_them(attrs):
    from django.forms.utils import flatatt

    from caredirector.templatetags import _attributes

    assert _attributes(attrs) == flatatt(attrs)


def test_choices_and_options_escape_their_values_and_labels():
    from django import forms

    from caredirector.templatetags import field

    class Hostile(forms.Form):
        radio = forms.ChoiceField(choices=[(HOSTILE, HOSTILE), ("b", "B")], widget=forms.RadioSelect)
        pick = forms.ChoiceField(choices=[(HOSTILE, HOSTILE), ("b", "B")])
        many = forms.MultipleChoiceField(choices=[(HOSTILE, HOSTILE)], widget=forms.CheckboxSelectMultiple)

    bound = Hostile(initial={"radio": HOSTILE, "pick": HOSTILE, "many": [HOSTILE]})
    escaped = escape(HOSTILE)
    for name, marked in (("radio", "checked"), ("pick", "selected"), ("many", "checked")):
        markup = field(bound[name])
        assert "<script>" not in markup and escaped in markup, markup
        assert f'value="{escaped}" {marked}' in markup, markup
