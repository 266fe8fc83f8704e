"""WCAG 2.2 AA in the browser: axe-core on every page each role can reach, in each state that matters, and the page
reflowing at 320 CSS px (WCAG 1.4.10). The pages come from the URL resolver through the permission matrix, so a new
page is checked as soon as it has a row there; the few URLs that are not pages are named in NOT_PAGES, and a test
without the browser proves they answer no HTML page to anyone.
"""

import datetime
import os
import re
from pathlib import Path

import pytest
from django.urls import resolve
from markupsafe import escape
from playwright.sync_api import expect

from accounts import roles
from caredirector.views import PAGES_TESTED
from cld.events import Period
from cld.models import ExtractRun
from cld.runs import queue_run
from forms_engine import actions
from forms_engine.models import Form, FormType
from tests.browser import axe
from tests.conftest import PASSWORD, REPORT, app_urls, case_routes
from tests.factories import CaseFactory, FormTypeFactory, TeamFactory, UserFactory, code, required_answers
from tests.test_permission_matrix import MATRIX, ROLES

pytestmark = pytest.mark.usefixtures("reference_data")

# The URLs that answer no page to anyone (each proven so by test_not_pages_answer_no_page).
NOT_PAGES = {
    "healthz": "the load balancer's health check (JSON)",
    "dashboards:deputy-new": "POST only: names a deputy and redirects to My teams (refused: My teams again)",
    "dashboards:deputy-end": "POST only: ends a deputy's period and redirects to My teams",
    "logout": "POST only: signs out and redirects to the sign-in page",
    "forms:form-clone": "POST only: redirects to the clone",
    "cases:break-glass": "POST only: opens a restricted record and redirects to it (refused: the restricted page)",
    "cld:run-progress": "JSON for the run page's progress script",
    "cld:run-file": "a CSV download",
}


def admin_pages():
    """Django's admin as a form administrator reaches it: its index and password change, and each registered
    model's list, add page, and its first record's edit, history and delete pages (those the role may open)."""
    from django.contrib import admin
    from django.urls import NoReverseMatch, reverse

    yield "admin:index", reverse("admin:index")
    yield "admin:password_change", reverse("admin:password_change")
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        yield f"{name}_changelist", reverse(f"{name}_changelist")
        try:
            yield f"{name}_add", reverse(f"{name}_add")
        except NoReverseMatch:
            pass
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            for page in ("change", "history", "delete"):
                try:
                    yield f"{name}_{page}", reverse(f"{name}_{page}", args=[first.pk])
                except NoReverseMatch:
                    pass


CHECKED = []  # (page name, role, state) checked, reported at the end of the run
FOUND = []  # violation lines (a failing test shows its own)


def pages_for(role):
    """The page names a role gets a page for (200 or the 403 page), from the permission matrix."""
    index = ROLES.index(role)
    return [
        name
        for name, answers in MATRIX.items()
        if name not in NOT_PAGES and answers["GET"].split()[index] in ("200", "403")
    ]


def test_every_url_is_a_checked_page_or_answers_no_page():
    """A URL added to the resolver is either swept by axe (it has a GET page for some role) or named in NOT_PAGES."""
    names = {name for name, _ in app_urls({"pk": 1, "kind": "extract"})}
    swept = {name for role in ROLES for name in pages_for(role)}
    assert names - swept - set(NOT_PAGES) == set(), "URLs with no axe check: add a row to the permission matrix"
    assert set(NOT_PAGES) <= names, "NOT_PAGES names URLs that no longer exist"
    assert not swept & set(NOT_PAGES)


def test_the_accessibility_statement_names_every_page_the_sweep_checks():
    """The statement lists the pages tested (caredirector.views.PAGES_TESTED): a page the sweep checks and the
    statement does not name fails here, and so does a name for a page that is no longer checked."""
    swept = {name for role in ROLES for name in pages_for(role)} | {"admin", "403", "404"}
    assert set(PAGES_TESTED) == swept


@pytest.mark.django_db
def test_the_statement_is_linked_from_every_page_and_lists_the_pages(client, practitioner, form_admin, settings):
    settings.ACCESSIBILITY_CONTACT = "accessibility@wakefield.example"
    statement = client.get("/accessibility/").content.decode()  # signed out
    assert "Accessibility statement for Case recording" in statement
    assert "accessibility@wakefield.example" in statement and "partially compliant" in statement
    for page in PAGES_TESTED.values():
        assert f"<li>{escape(page)}</li>" in statement
    client.force_login(practitioner)
    for path in ("/", "/cases/", "/accessibility/", "/dashboards/"):  # a page, and the 403 page
        assert '<a href="/accessibility/">Accessibility statement</a>' in client.get(path).content.decode()
    client.force_login(form_admin)  # and the admin's pages
    assert '<a href="/accessibility/">Accessibility statement</a>' in client.get("/admin/").content.decode()
    with open(settings.BASE_DIR / "templates" / "500.html", encoding="utf-8") as error_page:  # static: no context
        assert '<a href="/accessibility/">Accessibility statement</a>' in error_page.read()


@pytest.mark.django_db
def test_not_pages_answer_no_page(client, practitioner, manager, data_team, form_admin, settings):
    """What NOT_PAGES names answers no HTML page to any role: its GET is a redirect, a refusal, JSON or a file."""
    settings.CLD_LA_CODE, settings.JOBS_QUEUED = "384", False
    world = World.build(practitioner, manager)
    urls = world.urls()
    for user in (None, practitioner, manager, data_team, form_admin):
        client.logout()
        if user:
            client.force_login(user)
        for name in NOT_PAGES:
            response = client.get(urls[name])
            html = response.status_code == 200 and response["Content-Type"].startswith("text/html")
            assert not html, f"{name} answers an HTML page to {user}: give it an axe check"


class World:
    """A case with a CLD form in each state, a print of one, and extract runs done and queued."""

    TYPE = "adult-care-and-support-plan-review"  # needs a manager's sign-off: Complete waits for Close

    @classmethod
    def build(cls, practitioner, manager):
        world = cls()
        world.practitioner, world.manager = practitioner, manager
        form_type = FormType.objects.get(code=cls.TYPE)
        assert form_type.requires_sign_off
        world.team = team = TeamFactory(name="Locality North")
        team.members.add(practitioner)
        team.managers.add(manager)
        world.case = CaseFactory()
        world.in_progress = cls.form(form_type, CaseFactory(person=world.case.person), practitioner)
        world.complete = cls.form(form_type, CaseFactory(person=world.case.person), practitioner, complete=True)
        world.closed = cls.form(form_type, world.case, practitioner, complete=True)
        world.closed = actions.close_form(
            form=world.closed,
            revision=world.closed.revision,
            by=manager,
            closed_on=world.closed.completed_on,
            name="Helen Brooks, Team Manager",
        )
        world.returned = cls.form(FormType.objects.get(code="ot-review"), world.case, practitioner, complete=True)
        world.returned = actions.return_form(
            form=world.returned, revision=world.returned.revision, by=manager, reason="Please add the carer's view."
        )
        # a bar whose label wraps onto a second line of the chart
        long_type = FormTypeFactory(name="Sensory Impairment Specialist Assessment and Equipment Review")
        cls.form(long_type, world.case, practitioner, complete=True)
        actions.print_form(
            form=world.closed,
            section_ids=[section["id"] for section in world.closed.version.sections],
            comment="For the client's file",
            by=practitioner,
        )
        world.done_run = queue_run(period=Period(datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)), release=2)
        world.queued_run = ExtractRun.objects.create(
            period_start=datetime.date(2026, 7, 1), period_end=datetime.date(2026, 9, 30), release=2, la_code="384"
        )
        return world

    @staticmethod
    def form(form_type, case, by, complete=False):
        form = actions.create_form(case=case, form_type=form_type, responsible_user=by, by=by)
        values = {
            "cld_event_type": code("event_type", "Assessment"),
            "cld_assessment_type": code("assessment_type", "Long term assessment"),
            "cld_method": code("method_of_assessment", "Service user and carer"),
            "cld_long_term_support": "No",
            "cld_event_start": form.start_date,
            "cld_event_end": form.start_date,
        }
        Form.objects.filter(pk=form.pk).update(
            **{
                f"{key}_id" if hasattr(value, "pk") else key: getattr(value, "pk", value)
                for key, value in values.items()
            }
        )
        form.refresh_from_db()
        if complete:
            form = actions.complete_form(
                form=form, answers=required_answers(form.version), revision=form.revision, by=by
            )
        return form

    def paths(self, name):
        """(state, path) of each state the page is checked in."""
        forms = {
            "In Progress": self.in_progress,
            "Complete": self.complete,
            "Closed": self.closed,
            "Returned for amendment": self.returned,
        }
        if name == "forms:form-edit":
            return [(state, form.get_absolute_url()) for state, form in forms.items()]
        if name == "cld:run":
            return [
                ("done", f"/cld/extract/runs/{self.done_run.pk}/"),
                ("queued", f"/cld/extract/runs/{self.queued_run.pk}/"),
            ]
        return [("", self.urls()[name])]

    def urls(self):
        """{URL name: path} of every URL, on this world's case, closed form, done run and team."""
        samples = {
            "cases": {"pk": self.case.pk},
            "forms": {"pk": self.closed.pk},
            "cld": {"pk": self.done_run.pk},
            "dashboards": {"pk": self.team.pk},
        }
        return dict(app_urls({**samples, "kind": "extract", **case_routes(self.case.pk)}))


class Sweep:
    """Visit pages and collect what axe finds on each, and any page wider than 320 px."""

    def __init__(self, page, base, role):
        self.page, self.base, self.role, self.found = page, base, role, []

    def check(self, state="", *, name=None):
        name = name or resolve(axe.path_of(self.page)).view_name
        where = f"{name} [{self.role}{', ' + state if state else ''}]"
        self.found += axe.describe(where, axe.violations(self.page))
        overflow = axe.page_overflow(self.page)
        if overflow > 0:
            self.found.append(
                f"{where}: wider than 320 CSS px by {overflow} px (WCAG 1.4.10 Reflow): {axe.widest(self.page)}"
            )
        CHECKED.append((name, self.role, state))

    def visit(self, path, state="", *, name=None, status=200, shows=None):
        """Open the page and check it: it must answer `status` (the permission matrix's answer for the role) and,
        for a state, show `shows`, or the check would be of another page than it says."""
        response = self.page.goto(self.base + path)
        where = f"{name} [{self.role}{', ' + state if state else ''}]"
        if response.status != status or axe.path_of(self.page) != path.split("?")[0]:
            self.found.append(f"{where}: answered {response.status} at {axe.path_of(self.page)}, not {status}")
        if response.status == 403:
            state = "403 page"
        elif shows and not self.page.get_by_text(shows, exact=True).count():
            self.found.append(f"{where}: does not show {shows!r}")
        self.check(state, name=name)


@pytest.fixture
def sign_in_as(page, live_server):
    def sign_in(user):
        if user is None:
            return
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/")

    return sign_in


@pytest.mark.parametrize("role", ROLES)
def test_every_page_the_role_reaches_has_no_axe_violations(
    live_server, page, sign_in_as, role, practitioner, manager, settings
):
    settings.CLD_LA_CODE, settings.JOBS_QUEUED = "384", False
    world = World.build(practitioner, manager)
    users = {
        "anonymous": None,
        "practitioner": practitioner,
        "manager": manager,
        "form_admin": UserFactory(username="ada", is_staff=True, roles=[roles.FORM_ADMINISTRATOR]),
        "data_team": UserFactory(username="dana", roles=[roles.DATA_TEAM]),
        "head_of_service": UserFactory(username="dev", roles=[roles.HEAD_OF_SERVICE]),
        "governance": UserFactory(username="nadia", roles=[roles.INFORMATION_GOVERNANCE]),
    }
    sign_in_as(users[role])
    sweep = Sweep(page, live_server.url, role)
    answers = {name: int(MATRIX[name]["GET"].split()[ROLES.index(role)]) for name in pages_for(role)}
    for name in pages_for(role):
        for state, path in world.paths(name):
            shows = state if name == "forms:form-edit" else None  # the form's status badge
            sweep.visit(path, state, name=name, status=answers[name], shows=shows)
    if users[role]:  # (signed out, it is the sign-in page)
        sweep.visit("/forms/999999999/", "404", name="404", status=404)
    if role == "form_admin":
        for name, path in admin_pages():
            response = page.goto(live_server.url + path)
            if response.status == 200:  # a model the role may not see answers 403
                sweep.check(name=name)
    checked = {name for name, checked_role, _state in CHECKED if checked_role == role}
    expected = set(pages_for(role)) | ({"404"} if users[role] else set())
    expected |= {"admin:index"} if role == "form_admin" else set()
    assert expected <= checked, f"pages never checked: {sorted(expected - checked)}"
    FOUND.extend(sweep.found)
    assert not sweep.found, "\n".join(sweep.found)


def test_form_states_have_no_axe_violations(live_server, page, sign_in_as, practitioner, manager, settings):
    """The states a page reaches in the browser: each Event Type's CLD fields, the clear warning, an error summary
    after a refused save, the Close and Return fields of the Status block, and the conflict page."""
    settings.CLD_LA_CODE, settings.JOBS_QUEUED = "384", False
    world = World.build(practitioner, manager)
    sweep = Sweep(page, live_server.url, "practitioner")
    sign_in_as(practitioner)
    page.goto(live_server.url + world.in_progress.get_absolute_url())
    event_type = page.get_by_label(re.compile("^Event Type"))
    for event in ("Assessment", "Request", "Review"):
        event_type.select_option(label=event)
        sweep.check(f"CLD {event}")
    expect(page.locator("[data-cld-clear-warning]")).to_be_visible()
    sweep.check("CLD answers to clear")
    page.get_by_label("Status").select_option(label="Complete")
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    sweep.check("error summary")

    # the conflict page: someone else saved the form meanwhile
    page.goto(live_server.url + world.in_progress.get_absolute_url())
    form = Form.objects.get(pk=world.in_progress.pk)
    actions.save_answers(form=form, answers={}, revision=form.revision, by=practitioner)
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_role("heading", name=re.compile("Someone else saved this form"))).to_be_visible()
    sweep.check("conflict")

    sweep.role = "manager"
    page.context.clear_cookies()
    sign_in_as(manager)
    page.goto(live_server.url + world.complete.get_absolute_url())
    for status in ("closed", "in_progress"):
        page.get_by_label("Status").select_option(status)
        sweep.check(f"Status {status}")
    page.get_by_label("Status").select_option("closed")
    page.get_by_label("Name of the person closing the form").fill("")
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    sweep.check("refused close")

    # a restricted record: the plain page, with the break-glass form, and its refusal of a reason too short
    person = world.returned.case.person
    person.restricted = True
    person.save()
    page.goto(live_server.url + world.returned.get_absolute_url())
    expect(page.get_by_role("heading", name="This record is restricted")).to_be_visible()
    sweep.check("restricted record")
    page.get_by_label("Why you need to open this record").fill("need")
    page.get_by_role("button", name="Break the glass and open the record").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    sweep.check("break the glass refused")
    page.get_by_label("Why you need to open this record").fill("A safeguarding call out of hours")
    page.get_by_role("button", name="Break the glass and open the record").click()
    expect(page.get_by_role("heading", name=re.compile("Return", re.I)).or_(page.locator("h1")).first).to_be_visible()
    assert "/forms/" in page.url
    FOUND.extend(sweep.found)
    assert not sweep.found, "\n".join(sweep.found)


@pytest.fixture(autouse=True, scope="module")
def report_the_sweep():
    yield
    if FOUND and os.environ.get("AXE_FOUND"):
        Path(os.environ["AXE_FOUND"]).write_text("\n".join(FOUND) + "\n", encoding="utf-8")
    if CHECKED:
        pages = {name for name, _, _ in CHECKED}
        REPORT.append(
            f"accessibility (axe-core {axe.AXE_VERSION}, {', '.join(axe.TAGS)}; reflow at 320 px): "
            f"{len(CHECKED)} checks of {len(pages)} pages over roles and states, {len(FOUND)} violations"
        )


def test_the_sweep_fails_on_a_violation_and_on_a_page_that_does_not_reflow(live_server, page):
    """The checks can fail: an unlabelled control and a box wider than 320 px, added to a clean page, are caught."""
    page.goto(f"{live_server.url}/accounts/login/")
    assert axe.violations(page) == [] and axe.page_overflow(page) <= 0
    page.evaluate(
        """() => {
            const main = document.querySelector("main");
            main.insertAdjacentHTML("beforeend", '<input type="text" name="unlabelled">');
            const wide = document.createElement("div");
            wide.style.width = "700px";  // through the CSSOM: the page's CSP refuses style attributes
            wide.textContent = "A line that does not wrap";
            main.append(wide);
        }"""
    )
    found = axe.violations(page)
    assert [violation["id"] for violation in found] == ["label"]
    assert "unlabelled" in axe.describe("login", found)[0]
    assert axe.page_overflow(page) > 300
    sweep = Sweep(page, live_server.url, "anonymous")
    sweep.check(name="login")
    assert len(sweep.found) == 2 and "label (critical)" in sweep.found[0] and "320 CSS px" in sweep.found[1]
    sweep.visit("/accounts/login/?next=/cases/", name="login", status=404)  # a page that does not answer as said
    assert "answered 200" in sweep.found[2]
