import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from forms_engine.models import Form
from tests.factories import FormTypeFactory, UserFactory, bulk_forms, make_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(db):
    """The chart and the list themselves, over every team: a head of service's (the teams' own queues are in
    tests/dashboards/test_teams.py)."""
    return UserFactory(username="mel", first_name="Mel", last_name="Manager", roles=[roles.HEAD_OF_SERVICE])


@pytest.fixture
def hand_built(practitioner, practitioner2):
    """Forms in every state over three types; only the Complete ones await sign-off."""
    alpha = FormTypeFactory(name="Alpha Review", multiple_open_allowed=True)
    beta = FormTypeFactory(name="Beta Plan", multiple_open_allowed=True)
    gamma = FormTypeFactory(name="Gamma Referral", multiple_open_allowed=True)
    # awaiting: alpha 3 (practitioner: 1 today, 1 four days ago; practitioner2: 1 twelve days ago), beta 2, gamma 0
    bulk_forms(1, status="complete", form_type=alpha, responsible_user=practitioner, completed_days_ago=0)
    bulk_forms(1, status="complete", form_type=alpha, responsible_user=practitioner, completed_days_ago=4)
    bulk_forms(1, status="complete", form_type=alpha, responsible_user=practitioner2, completed_days_ago=12)
    bulk_forms(2, status="complete", form_type=beta, responsible_user=practitioner2, completed_days_ago=7)
    # not awaiting
    bulk_forms(4, status="in_progress", form_type=alpha, responsible_user=practitioner)
    bulk_forms(2, status="in_progress", form_type=gamma, responsible_user=practitioner, returned=True)
    bulk_forms(5, status="closed", form_type=beta, responsible_user=practitioner, completed_days_ago=3)
    bulk_forms(3, status="closed", form_type=gamma, responsible_user=practitioner2, completed_days_ago=1)
    return {"alpha": alpha, "beta": beta, "gamma": gamma}


def bars(client, group):
    response = client.get(reverse("dashboards:sign-off"), {"group": group})
    assert response.status_code == 200
    return {bar["label"]: bar["count"] for bar in response.context["bars"]}, response


def test_bars_by_form_type(client, manager, hand_built):
    client.force_login(manager)
    counts, response = bars(client, "type")
    assert counts == {"Alpha Review": 3, "Beta Plan": 2}
    html = response.content.decode()
    assert "<svg" in html and 'aria-label="Alpha Review: 3 forms"' in html and ">3</text>" in html
    assert f'href="/dashboards/sign-off/forms/?type={hand_built["alpha"].pk}"' in html  # a real link per bar
    assert "<table" in html and "<caption>Forms awaiting sign-off, by form type</caption>" in html


def test_bars_by_responsible_user(client, manager, practitioner, practitioner2, hand_built):
    client.force_login(manager)
    counts, _ = bars(client, "user")
    assert counts == {practitioner.display_name: 2, practitioner2.display_name: 3}


def test_bars_by_days_waiting(client, manager, hand_built):
    client.force_login(manager)
    counts, _ = bars(client, "age")
    assert counts == {"0–2 days": 1, "3–5 days": 1, "6–10 days": 2, "Over 10 days": 1}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"type": "alpha"}, 3),
        ({"type": "beta"}, 2),
        ({"type": "gamma"}, 0),
        ({"age": "0-2"}, 1),
        ({"age": "6-10"}, 2),
        ({"age": "11+"}, 1),
    ],
)
def test_drill_down_lists_exactly_the_forms_of_its_bar(client, manager, hand_built, query, expected):
    client.force_login(manager)
    if "type" in query:
        query = {"type": hand_built[query["type"]].pk}
    response = client.get(reverse("dashboards:sign-off-list"), query)
    forms = [row.form for row in response.context["rows"]]
    assert len(forms) == expected
    assert all(form.status == "complete" for form in forms)
    if "type" in query:
        listed = Form.objects.filter(pk__in=[form.id for form in forms])
        assert set(listed.values_list("form_type_id", flat=True)) <= {query["type"]}


def test_drill_down_by_user_and_days_waiting_column(client, manager, practitioner2, hand_built):
    client.force_login(manager)
    response = client.get(reverse("dashboards:sign-off-list"), {"user": practitioner2.pk, "sort": "newest"})
    rows = response.context["rows"]
    assert [row.days for row in rows] == [7, 7, 12]
    listed = Form.objects.filter(pk__in=[row.form.id for row in rows])
    assert set(listed.values_list("responsible_user", flat=True)) == {practitioner2.pk}
    assert "Sam Second" in response.content.decode()  # the responsible user, as User.display_name names them


@pytest.mark.parametrize(
    "query",
    [
        {"type": "999999"},
        {"type": "x"},
        {"type": "²"},  # a digit to str.isdigit, not to int()
        {"type": "9" * 30},  # beyond a bigint
        {"user": "-1"},
        {"age": "forever"},
        {"user": "0"},
    ],
)
def test_unknown_bar_is_404(client, manager, query):
    client.force_login(manager)
    assert client.get(reverse("dashboards:sign-off-list"), query).status_code == 404


@pytest.mark.parametrize("sort", ["longest", "newest", "type", "user", "client", "case", "bogus"])
def test_drill_down_sorts(client, manager, hand_built, sort):
    client.force_login(manager)
    response = client.get(reverse("dashboards:sign-off-list"), {"sort": sort})
    assert response.status_code == 200 and len(response.context["rows"]) == 5


@pytest.mark.parametrize("name", ["dashboards:dashboard-list", "dashboards:sign-off", "dashboards:sign-off-list"])
def test_practitioner_gets_403_on_manager_dashboards(client, practitioner, name):
    client.force_login(practitioner)
    response = client.get(reverse(name))
    assert response.status_code == 403 and "You do not have access" in response.content.decode()


def test_closing_from_the_list_returns_to_it_with_current_counts(client, manager, practitioner):
    form_type = FormTypeFactory(name="Delta Review")
    form = make_form(status="complete", form_type=form_type, responsible_user=practitioner)
    make_form(status="complete", form_type=form_type, responsible_user=practitioner)
    client.force_login(manager)
    list_url = f"{reverse('dashboards:sign-off-list')}?type={form_type.pk}&sort=longest&page=1"
    listing = client.get(list_url).content.decode()
    assert "?next=" in listing
    response = client.post(
        form.get_absolute_url(),
        {
            "revision": form.revision,
            "status": "closed",
            "closed_on": timezone.localdate().isoformat(),
            "closed_by_name": "Mel Manager",
            "next": list_url,
        },
    )
    assert response.status_code == 302 and response.url == list_url
    assert len(client.get(list_url).context["rows"]) == 1
    counts, _ = bars(client, "type")
    assert counts == {"Delta Review": 1}


def test_next_parameter_cannot_leave_the_site(client, manager, practitioner):
    form = make_form(status="complete", responsible_user=practitioner)
    client.force_login(manager)
    response = client.post(
        form.get_absolute_url(),
        {
            "revision": form.revision,
            "status": "closed",
            "closed_on": timezone.localdate().isoformat(),
            "closed_by_name": "Mel",
            "next": "https://evil.example/",
        },
    )
    assert response.url == form.get_absolute_url()


@pytest.mark.parametrize("count", [10, 1000])
def test_sign_off_pages_query_counts_do_not_grow(client, manager, django_assert_num_queries, count):
    from caredirector.keyset import encode
    from forms_engine.models import Form

    form_type = FormTypeFactory(multiple_open_allowed=True)
    worker = UserFactory()
    bulk_forms(count, status="complete", form_type=form_type, responsible_user=worker, completed_days_ago=3)
    client.force_login(manager)
    for group, queries in (("type", 4), ("user", 4), ("age", 3)):
        # the session, the user with their roles and the teams they sign off today (the team filter), one aggregate
        # for the bars, and (but for waiting times) the names of the types or users they count
        with django_assert_num_queries(queries):
            assert client.get(reverse("dashboards:sign-off"), {"group": group}).status_code == 200
    deep = Form.objects.filter(form_type=form_type).order_by("completed_at", "pk")[count // 2]
    for extra in ({}, {"after": encode(deep.completed_at, deep.pk)}):
        # the session, the user, the bar's form type, its total (a tally sum; SQLite: a capped count), the page's
        # ids and sort keys, then its rows by id
        with django_assert_num_queries(6):
            response = client.get(reverse("dashboards:sign-off-list"), {"type": form_type.pk, **extra})
        assert len(response.context["rows"]) == min(25, count - (count // 2 + 1 if extra else 0))


@pytest.mark.parametrize("sort", ["longest", "newest", "type", "user", "client", "case"])
def test_keyset_pages_walk_every_form_once_in_order(client, manager, practitioner, practitioner2, sort):
    from dashboards.views import SORTS

    form_type = FormTypeFactory(multiple_open_allowed=True)
    for days in range(0, 12):
        bulk_forms(
            5,
            status="complete",
            form_type=form_type,
            responsible_user=practitioner if days % 2 else practitioner2,
            completed_days_ago=days,
        )
    client.force_login(manager)
    url = reverse("dashboards:sign-off-list")
    seen, params = [], {"type": form_type.pk, "sort": sort}
    pages = 0
    while True:
        response = client.get(url, params)
        page = response.context["page"]
        seen.extend(row.form.id for row in response.context["rows"])
        pages += 1
        if not page.next_cursor:
            break
        params = {**params, "after": page.next_cursor}
    assert pages == 3 and len(seen) == 60 and len(set(seen)) == 60
    field, descending = SORTS[sort]
    from forms_engine.models import Form

    expected = list(
        Form.objects.filter(pk__in=seen)
        .order_by(f"-{field}" if descending else field, "-pk" if descending else "pk")
        .values_list("pk", flat=True)
    )
    assert seen == expected
    # and back again with Previous
    back = client.get(url, {"type": form_type.pk, "sort": sort, "before": page.previous_cursor})
    assert [row.form.id for row in back.context["rows"]] == seen[25:50]


def test_count_is_capped_not_exact_beyond_ten_thousand(monkeypatch, client, manager):
    from django.db import connection

    import dashboards.queries

    monkeypatch.setattr(dashboards.queries, "COUNT_CAP", 30)
    form_type = FormTypeFactory(multiple_open_allowed=True)
    bulk_forms(40, status="complete", form_type=form_type, responsible_user=UserFactory(), completed_days_ago=1)
    client.force_login(manager)
    html = client.get(reverse("dashboards:sign-off-list"), {"type": form_type.pk}).content.decode()
    # PostgreSQL reads the exact total from the tallies (tests/dashboards/test_tallies.py); SQLite counts, capped
    assert ("40 forms" if connection.vendor == "postgresql" else "30+ forms") + " awaiting sign-off" in html


@pytest.mark.parametrize("cursor", ["", "garbage", "W10", "WyJ4IiwgInkiXQ", "bnVsbA", "eyJkdCI6ICJ4In0"])
def test_hostile_cursor_shows_the_first_page(client, manager, cursor):
    form_type = FormTypeFactory(multiple_open_allowed=True)
    bulk_forms(3, status="complete", form_type=form_type, responsible_user=UserFactory(), completed_days_ago=1)
    client.force_login(manager)
    for key in ("after", "before"):
        response = client.get(reverse("dashboards:sign-off-list"), {"type": form_type.pk, key: cursor})
        assert response.status_code == 200 and len(response.context["rows"]) == 3


@pytest.mark.parametrize(("sort", "value"), [("longest", "x"), ("newest", "2026-01-01"), ("type", "datetime")])
def test_a_cursor_of_the_wrong_kind_for_its_sort_shows_the_first_page(client, manager, sort, value):
    """A cursor is the user's to change: a name where the sort wants a time (or the reverse) is no cursor at all."""
    import datetime

    from caredirector.keyset import encode

    form_type = FormTypeFactory(multiple_open_allowed=True)
    bulk_forms(3, status="complete", form_type=form_type, responsible_user=UserFactory(), completed_days_ago=1)
    value = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC) if value == "datetime" else value
    client.force_login(manager)
    for key in ("after", "before"):
        query = {"type": form_type.pk, "sort": sort, key: encode(value, 5)}
        response = client.get(reverse("dashboards:sign-off-list"), query)
        assert response.status_code == 200 and len(response.context["rows"]) == 3


def test_a_cursor_naming_an_id_no_column_can_hold_shows_the_first_page(client, manager):
    import datetime

    from caredirector.keyset import encode

    form_type = FormTypeFactory(multiple_open_allowed=True)
    bulk_forms(3, status="complete", form_type=form_type, responsible_user=UserFactory(), completed_days_ago=1)
    client.force_login(manager)
    cursor = encode(datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC), 2**70)
    response = client.get(reverse("dashboards:sign-off-list"), {"type": form_type.pk, "after": cursor})
    assert response.status_code == 200 and len(response.context["rows"]) == 3


@pytest.mark.parametrize(
    "label",
    [
        "Sensory Impairment Specialist Assessment and Equipment Review",
        "A" * 20 + " " + "B" * 90 + " end",  # a word longer than a line, and only off-centre spaces
        " ".join(["Reablement outreach and discharge referral"] * 3)[:150],  # the longest name a form type may have
    ],
)
def test_a_long_bar_label_wraps_whole_onto_lines_that_fit(label):
    """The bar's visible text must lie inside its accessible name (WCAG 2.5.3): a long label wraps onto as many lines
    as it needs, never cut off, and its bar's row is as tall as they are."""
    from dashboards.charts import BAR_HEIGHT, GAP, LINE, LINE_HEIGHT, bar_chart

    short, long, after = bar_chart(
        [
            {"label": "OT Review", "count": 2, "url": "/"},
            {"label": label, "count": 1, "url": "/"},
            {"label": "Z", "count": 1, "url": "/"},
        ]
    )["bars"]
    assert [line["text"] for line in short["label_lines"]] == ["OT Review"]
    lines = [line["text"] for line in long["label_lines"]]
    assert " ".join(lines).split() == label.split()
    assert all(len(line) <= LINE for line in lines if " " in line)  # only an unbreakable word runs longer
    assert long["row_height"] == max(BAR_HEIGHT, len(lines) * LINE_HEIGHT)
    assert long["row_y"] <= long["label_lines"][0]["y"] - LINE_HEIGHT / 2
    assert long["label_lines"][-1]["y"] + LINE_HEIGHT / 2 <= long["row_y"] + long["row_height"]
    assert after["row_y"] == long["row_y"] + long["row_height"] + GAP  # the next bar makes room


def test_a_row_shows_the_local_day_it_was_completed_and_its_days_waiting(client, manager, practitioner):
    """Set Complete at 00:15 on 1 July in London (23:15 on 30 June in UTC): the list says 01/07/2026, and counts its
    days waiting from that day."""
    import datetime

    form = make_form(status="complete", responsible_user=practitioner)
    completed = datetime.datetime(2026, 6, 30, 23, 15, tzinfo=datetime.UTC)
    Form.objects.filter(pk=form.pk).update(completed_at=completed)
    client.force_login(manager)
    response = client.get(reverse("dashboards:sign-off-list"))
    (row,) = response.context["rows"]
    today = timezone.localdate()
    assert (row.completed, row.days) == (datetime.date(2026, 7, 1), (today - datetime.date(2026, 7, 1)).days)
    assert "<td>01/07/2026</td>" in response.content.decode()
    assert "<td>30/06/2026</td>" not in response.content.decode()
