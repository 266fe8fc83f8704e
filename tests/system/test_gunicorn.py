"""The app under gunicorn (production settings) on PostgreSQL, hit by concurrent clients: every test runs against
4 sync workers and against 2 threaded workers of 6 threads each, the two ways the README says production may run."""

import http.client
import threading
import time

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from accounts import roles
from forms_engine.models import Form
from tests.conftest import REPORT, database_url
from tests.factories import CaseFactory, FormTypeFactory, UserFactory, make_form, question_ids
from tests.system.server import Browser, Server, header, revision_in

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-system-test-password"
# A request whose worker is killed: the connection refused or reset (OSError), or the answer cut short mid-body
# (http.client.IncompleteRead, an HTTPException).
CUT_OFF = (OSError, http.client.HTTPException)


@pytest.fixture(autouse=True)
def needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("the server tests run on PostgreSQL: set DATABASE_URL to run them")


@pytest.fixture(scope="module", params=[(4, 1), (2, 6)], ids=["sync", "threaded"])
def server(request, django_db_setup, django_db_blocker, tmp_path_factory):
    from django.db import connection as conn

    with django_db_blocker.unblock():
        settings = conn.settings_dict
    if conn.vendor != "postgresql":
        pytest.skip("the server tests run on PostgreSQL: set DATABASE_URL to run them")
    url = database_url(settings)
    workers, threads = request.param
    running = Server(url, tmp_path_factory.mktemp("static"), workers=workers, threads=threads)
    yield running
    running.stop()


def person(role, username):
    """A user whose password the production server (PBKDF2) can check quickly."""
    user = UserFactory(username=username, roles=[role])
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "systemtestsalt", iterations=1000)
    user.save(update_fields=["password"])
    return user


def at_once(calls):
    """Run the calls in threads released together; return each one's result (or the exception it raised)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait(timeout=30)
        try:
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - reported by the test
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_security_headers_on_a_real_response(server):
    browser = Browser(server)
    status, headers, page = browser.get("/accounts/login/")
    assert status == 200
    assert header(headers, "Strict-Transport-Security") == ["max-age=31536000; includeSubDomains"]
    policy = header(headers, "Content-Security-Policy")[0]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert header(headers, "X-Frame-Options") == ["DENY"]
    assert header(headers, "X-Content-Type-Options") == ["nosniff"]
    assert header(headers, "Referrer-Policy") == ["same-origin"]
    csrf_cookie = next(value for value in header(headers, "Set-Cookie") if value.startswith("csrftoken="))
    assert "Secure" in csrf_cookie
    person(roles.PRACTITIONER, "headers")
    _status, headers, body = browser.post("/accounts/login/", {"username": "headers", "password": PASSWORD})
    assert _status == 302, (_status, server.errors()[-3000:])
    session_cookie = next(value for value in header(headers, "Set-Cookie") if value.startswith("sessionid="))
    assert "Secure" in session_cookie and "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    status, _headers, page = browser.get("/no/such/page/")
    assert status == 404 and "Page not found" in page and "Traceback" not in page and "DEBUG" not in page
    status, headers, _ = Browser(server, https=False).get("/accounts/login/")
    assert status == 301 and header(headers, "Location")[0].startswith("https://")


def test_many_simultaneous_creates_of_one_form_type_give_one_form(server):
    practitioner = person(roles.PRACTITIONER, "racer")
    case, form_type = CaseFactory(), FormTypeFactory(name="Race Review")
    form_type.current_version()
    browsers = [Browser(server).sign_in("racer", PASSWORD) for _ in range(12)]
    path = f"/cases/{case.pk}/forms/new/"
    fields = {"form_type": form_type.pk, "responsible_user": practitioner.pk}
    start = time.monotonic()
    results = at_once([lambda b=b: b.post(path, fields) for b in browsers])
    elapsed = time.monotonic() - start
    statuses = [result[0] if isinstance(result, tuple) else repr(result) for result in results]
    created = statuses.count(302)
    refused = sum(
        1 for result in results if isinstance(result, tuple) and result[0] == 200 and "already has an open" in result[2]
    )
    assert Form.objects.filter(case=case, form_type=form_type).count() == 1
    assert created == 1 and refused == len(browsers) - 1, statuses
    REPORT.append(
        f"{server.name}, {len(browsers)} simultaneous creates of one form type on one case: "
        f"{created} created, {refused} refused with a link to it, 0 errors, {elapsed * 1000:.0f} ms"
    )


def test_two_managers_closing_at_once(server):
    practitioner = person(roles.PRACTITIONER, "author")
    person(roles.MANAGER, "boss1")
    person(roles.MANAGER, "boss2")
    form = make_form(status="complete", responsible_user=practitioner)
    history_before = form.history.count()
    managers = [Browser(server).sign_in(name, PASSWORD) for name in ("boss1", "boss2")]
    fields = {"revision": form.revision, "status": "closed", "closed_on": form.completed_on.isoformat()}
    results = at_once(
        [
            lambda b=b, n=n: b.post(f"/forms/{form.pk}/", {**fields, "closed_by_name": n})
            for n, b in zip(("Boss One", "Boss Two"), managers, strict=True)
        ]
    )
    form.refresh_from_db()
    assert form.status == "closed" and form.history.count() == history_before + 1
    # Each manager is told what happened: on the page they land on (a redirect shows its message on the next page).
    told = []
    for manager, result in zip(managers, results, strict=True):
        page = manager.get(f"/forms/{form.pk}/")[2] if result[0] == 302 else result[2]
        if "Someone else saved this form" in page or "This form is Closed and read-only" in page:
            told.append("refused")
        elif f"closed by {form.closed_by_name}" in page:
            told.append("closed")
    assert sorted(told) == ["closed", "refused"], told
    REPORT.append(
        f"{server.name}, two managers closing one form at once: 1 closed (by {form.closed_by_name}), "
        f"1 told it was already closed, {form.history.count() - history_before} history row"
    )


def test_two_practitioners_saving_one_form(server):
    first = person(roles.PRACTITIONER, "writer1")
    person(roles.PRACTITIONER, "writer2")
    form = make_form(responsible_user=first)
    summary = f"q{question_ids(form.form_type)['Summary']}"
    browsers = [Browser(server).sign_in(name, PASSWORD) for name in ("writer1", "writer2")]
    revision = revision_in(browsers[0].get(f"/forms/{form.pk}/")[2])
    texts = ["Words typed by the first practitioner", "Words typed by the second practitioner"]
    results = at_once(
        [
            lambda b=b, t=t: b.post(f"/forms/{form.pk}/", {"revision": revision, "status": "in_progress", summary: t})
            for b, t in zip(browsers, texts, strict=True)
        ]
    )
    statuses = sorted(result[0] for result in results)
    form.refresh_from_db()
    assert statuses == [302, 409], statuses
    saved = form.answers[summary[1:]]
    loser = next(result for result in results if result[0] == 409)[2]
    unsaved = texts[1] if saved == texts[0] else texts[0]
    assert saved in texts and saved in loser and unsaved in loser  # both answers on the conflict page
    assert form.revision == revision + 1
    REPORT.append(
        f"{server.name}, two practitioners saving one form at once: 1 saved, 1 shown the conflict page "
        "with both answers, nothing lost"
    )


def test_worker_killed_in_the_middle_of_saves(server):
    writers = 6
    saves_each = 25
    people = [person(roles.PRACTITIONER, f"busy{i}") for i in range(writers)]
    form_type = FormTypeFactory(multiple_open_allowed=True)
    forms = [make_form(responsible_user=p, form_type=form_type) for p in people]
    summary = f"q{question_ids(form_type)['Summary']}"
    browsers = [Browser(server).sign_in(f"busy{i}", PASSWORD) for i in range(writers)]
    outcome = {"saved": 0, "refused": 0, "broken": 0}
    lock = threading.Lock()

    def current_revision(browser, form):
        for _attempt in range(600):  # a killed worker's replacement takes a moment to start (seconds on a busy machine)
            try:
                revision = revision_in(browser.get(f"/forms/{form.pk}/")[2])
            except CUT_OFF:
                revision = None
            if revision is not None:
                return revision
            time.sleep(0.1)
        raise AssertionError("the form page never came back")

    def write(browser, form):
        revision = current_revision(browser, form)
        for number in range(saves_each):
            try:
                status, _h, _page = browser.post(
                    f"/forms/{form.pk}/",
                    {"revision": revision, "status": "in_progress", summary: f"save {number} " * 50},
                )
                kind = "saved" if status == 302 else "refused"
            except CUT_OFF:  # the worker serving this request was killed
                kind = "broken"
            with lock:
                outcome[kind] += 1
            revision = current_revision(browser, form)

    threads = [threading.Thread(target=write, args=(b, f)) for b, f in zip(browsers, forms, strict=True)]
    for thread in threads:
        thread.start()
    kills = 0
    while any(thread.is_alive() for thread in threads) and kills < 4:
        time.sleep(0.4)
        if server.kill_a_worker(kills):
            kills += 1
    for thread in threads:
        thread.join(timeout=300)
    # Every form is either fully saved or unchanged by each request: answers, revision and history agree.
    for form in forms:
        form.refresh_from_db()
        rows = list(form.history.order_by("history_id"))
        assert form.revision == len(rows), (form.revision, len(rows))
        assert form.answers == rows[-1].answers
        assert [row.revision for row in rows] == list(range(1, len(rows) + 1))
    total = writers * saves_each
    assert outcome["saved"] + outcome["refused"] + outcome["broken"] == total
    assert kills >= 1 and outcome["saved"] > 0
    REPORT.append(
        f"{server.name}, {writers} writers x {saves_each} saves with {kills} workers killed (SIGKILL): "
        f"{outcome['saved']} saved, {outcome['refused']} refused, {outcome['broken']} cut off; "
        f"every form fully saved or unchanged (revision = history rows = {sum(f.revision for f in forms)})"
    )
