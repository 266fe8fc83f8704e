"""Browser journeys: Playwright drives Debian's Chromium against Django's live server."""

import os
import shutil

import pytest

from tests.browser.operate import Keys, Pointer
from tests.conftest import REPORT

# Playwright's sync API runs an event loop; the ORM calls made by the tests themselves are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    here = os.path.dirname(__file__)
    browser_items = [item for item in items if str(item.fspath).startswith(here)]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if browser_items and not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            raise pytest.UsageError(f"CI must run the browser tests, but there is no Chromium at {CHROMIUM}.")
        skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}: apt-get install chromium to run browser tests")
        for item in browser_items:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        # This machine has no network beyond localhost: stop Chromium reaching out at start-up.
        "args": [
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


KEYBOARD_JOURNEYS = []


@pytest.fixture(params=[Pointer, Keys], ids=["pointer", "keyboard"])
def operate(request, page):
    """How the journey works the page: with the pointer, then with the keyboard alone (tests/browser/operate.py)."""
    yield request.param(page)
    if request.param is Keys and getattr(request.node, "rep_call_passed", False):
        KEYBOARD_JOURNEYS.append(request.node.nodeid)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if call.when == "call":
        item.rep_call_passed = report.passed
    return report


@pytest.fixture(autouse=True, scope="session")
def report_keyboard_journeys():
    yield
    if KEYBOARD_JOURNEYS:
        REPORT.append(
            f"keyboard alone: {len(KEYBOARD_JOURNEYS)} journey{'s' if len(KEYBOARD_JOURNEYS) != 1 else ''} passed "
            "with no pointer "
            f"({len(Keys.presses)} Tab and Shift+Tab presses to reach their controls)"
        )


def signer(page, live_server, operate):
    def sign_in_as(user, password="correct-horse-battery"):
        page.goto(f"{live_server.url}/accounts/login/")
        operate.fill(page.get_by_label("Username"), user.username)
        operate.fill(page.get_by_label("Password"), password)
        operate.click(page.get_by_role("button", name="Sign in"))
        page.wait_for_url(f"{live_server.url}/")
        return page

    return sign_in_as


@pytest.fixture
def sign_in(page, live_server, operate):
    """Sign in through the login page as a user whose password is the factories' default (both ways of `operate`)."""
    return signer(page, live_server, operate)


@pytest.fixture
def keys(page):
    """The keyboard alone, for a test that is about the keyboard."""
    return Keys(page)


@pytest.fixture
def sign_in_by_keyboard(page, live_server, keys):
    return signer(page, live_server, keys)
