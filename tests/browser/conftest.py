"""Browser journeys: Playwright drives Debian's Chromium against Django's live server."""

import os
import shutil

import pytest

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


@pytest.fixture
def sign_in(page, live_server):
    """Sign in through the login page as a user whose password is the factories' default."""

    def sign_in_as(user, password="correct-horse-battery"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return sign_in_as
