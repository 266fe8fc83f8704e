import re
import urllib.parse

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from accounts import roles
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"


def pytest_addoption(parser):
    parser.addoption("--run-slow", action="store_true", help="also run the tests marked slow (CI does)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --run-slow (CI does)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def practitioner(db):
    return UserFactory(username="pat", first_name="Pat", last_name="Practitioner", roles=[roles.PRACTITIONER])


@pytest.fixture
def practitioner2(db):
    return UserFactory(username="sam", first_name="Sam", last_name="Second", roles=[roles.PRACTITIONER])


@pytest.fixture
def manager(db):
    return UserFactory(username="mel", first_name="Mel", last_name="Manager", roles=[roles.MANAGER])


@pytest.fixture
def data_team(db):
    return UserFactory(username="dana", first_name="Dana", last_name="Data", roles=[roles.DATA_TEAM])


@pytest.fixture
def form_admin(db):
    return UserFactory(
        username="ada", first_name="Ada", last_name="Admin", is_staff=True, roles=[roles.FORM_ADMINISTRATOR]
    )


def signed_in(client, user):
    client.force_login(user)
    return client


def app_urls(sample_kwargs, skip_namespaces=("admin",)):
    """Yield (name, path) for every URL of the app, with each <converter:kwarg> filled from sample_kwargs.

    sample_kwargs maps a kwarg name to a value, or a namespace ("cases", "forms") or a URL's name
    ("forms:case-forms") to such a mapping of its own.
    """

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if pattern.namespace in skip_namespaces:
                    continue
                yield from walk(pattern.url_patterns, route, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                values = {**sample_kwargs, **sample_kwargs.get(namespace, {}), **sample_kwargs.get(name, {})}
                path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m, values=values: str(values[m.group(1)]), route)
                yield name, "/" + path

    yield from walk(get_resolver().url_patterns, "", None)


def database_url(db):
    """The test database's address (for a process the tests start), with its password where it has one."""
    user = urllib.parse.quote(db["USER"] or "")
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def cld_routes(run_pk=1):
    """app_urls' sample for the URLs of a CLD extract run (`run_pk` need not exist where the answer comes first)."""
    return {"cld": {"pk": run_pk, "kind": "extract"}}


def case_routes(case_pk):
    """app_urls' sample for the URLs of a case's forms, which forms_engine routes beside the forms' own."""
    names = ("forms:case-forms", "forms:form-new", "forms:subject-access")
    return {name: {"pk": case_pk} for name in names}


@pytest.fixture(autouse=True, scope="session")
def jinja2_templates_report_their_context():
    """Django's test client records the templates a response rendered, with their context, for Django's own engine
    only (django.test.utils.instrumented_test_render): the app's pages are Jinja2, so they report too."""
    from django.template.backends.jinja2 import Template
    from django.test.signals import template_rendered

    original = Template.render

    def render(self, context=None, request=None):
        template_rendered.send(sender=self, template=self, context=context if context is not None else {})
        return original(self, context, request)

    Template.render = render
    yield
    Template.render = original


# The data the migrations create, which a live-server test's flush removes: code lists, roles, form types, CLD rules.
REFERENCE_MODELS = (
    "codes.CodeList",
    "codes.CodeValue",
    "auth.Group",
    "forms_engine.FormType",
    "forms_engine.Section",
    "forms_engine.Question",
    "cld.CldFieldRule",
    "cld.CldConditionalRule",
)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, with its reference data serialized as the migrations left it (permissions by
    natural key), before any test can flush it."""
    from django.apps import apps
    from django.core import serializers

    with django_db_blocker.unblock():
        rows = [row for name in REFERENCE_MODELS for row in apps.get_model(name)._default_manager.order_by("pk")]
        REFERENCE_ROWS.append(serializers.serialize("json", rows, use_natural_foreign_keys=True))


REFERENCE_ROWS = []


@pytest.fixture
def reference_data(transactional_db):
    """Restore the reference data after a live-server test's flush."""
    from django.core import serializers
    from django.db import transaction

    with transaction.atomic():  # the foreign keys are checked at the end: a value may map to a later one
        for row in serializers.deserialize("json", REFERENCE_ROWS[0]):
            row.save()


# Figures that system tests report (requests, successes, refusals, timings): printed at the end of the run.
REPORT = []


def pytest_terminal_summary(terminalreporter):
    if REPORT:
        terminalreporter.section("figures reported by the tests")
        for line in REPORT:
            terminalreporter.write_line(line)
