"""Every form field through Django's form renderer and templates/includes/field.html: Bootstrap markup, with its hint
and error tied to the control."""

import re

from django import forms


class Sample(forms.Form):
    name = forms.CharField(label="Name", help_text="As the person gives it.", max_length=10)
    choice = forms.ChoiceField(
        label="Pick", choices=[("a", "A <b>"), ("b", "B")], widget=forms.RadioSelect, help_text="One only."
    )
    many = forms.MultipleChoiceField(
        label="Many", choices=[("x", "X"), ("y", "Y")], widget=forms.CheckboxSelectMultiple, required=False
    )
    kind = forms.ChoiceField(label="Kind", choices=[("", "Choose…"), ("k", "K")])
    note = forms.CharField(label="Note", widget=forms.Textarea, required=False)


def render(form):
    return "".join(form[name].as_field_group() for name in ("name", "choice", "many", "kind", "note"))


def test_hints_are_markup_tied_to_their_control():
    html = render(Sample())
    assert '<div id="id_name_hint" class="form-text">As the person gives it.</div>' in html
    assert (
        '<input type="text" name="name" class="form-control" id="id_name" maxlength="10" '
        'aria-describedby="id_name_hint" required>' in html
    )
    assert '<label class="form-label" for="id_name">Name</label>' in html
    assert '<legend class="form-label fs-6 mb-1">Pick</legend>' in html
    assert 'aria-describedby="id_choice_hint" required>' in html  # on each radio of a required group
    assert 'type="checkbox" name="many" id="id_many_0" value="x"><label' in html  # no required on a checkbox group
    assert '<textarea name="note"' in html and "&lt;div" not in html and "&quot;" not in html
    assert "A &lt;b&gt;" in html  # choice labels are text, escaped


def test_errors_are_shown_beside_the_field_and_announced():
    html = render(Sample({"name": "far too long a name", "choice": "zz", "kind": "", "note": "<script>x</script>"}))
    assert '<div id="id_name_error" class="invalid-feedback d-block">' in html
    assert 'aria-describedby="id_name_error id_name_hint" required aria-invalid="true">' in html
    assert not re.search(r"<[^>]*aria-describedby[^>]*aria-describedby", html)  # one each: Django names none of its own
    assert not re.search(r"<[^>]*aria-invalid[^>]*aria-invalid", html) and "helptext" not in html
    assert 'class="form-check-input is-invalid" type="radio"' in html and 'id="id_choice_error"' in html
    assert '<select class="form-select is-invalid" name="kind" id="id_kind" aria-describedby="id_kind_error"' in html
    assert "&lt;script&gt;x&lt;/script&gt;</textarea>" in html  # the user's typing is kept, as text
    assert "&lt;div" not in html
