import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from accounts import roles
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"


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

    sample_kwargs maps a kwarg name to a value, or a namespace ("cases", "forms") to such a mapping of its own.
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
                values = {**sample_kwargs, **sample_kwargs.get(namespace, {})}
                path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m, values=values: str(values[m.group(1)]), route)
                yield name, "/" + path

    yield from walk(get_resolver().url_patterns, "", None)


REFERENCE_DATA_MIGRATIONS = [
    ("cld.migrations.0002_seed_code_lists", "seed"),
    ("accounts.migrations.0002_roles", "create_roles"),
    ("forms_engine.migrations.0002_seed_cld_form_types", "seed"),
    ("accounts.migrations.0004_grant_record_forms", "grant"),
    ("cld.migrations.0004_seed_cld_rules", "seed"),
    ("cld.migrations.0005_grant_rule_permissions", "grant"),
    ("cld.migrations.0006_seed_person_condition_lists", "seed"),
    ("accounts.migrations.0006_data_team", "create_data_team"),
]


@pytest.fixture
def reference_data(transactional_db):
    """Re-run the data migrations (code lists, roles, form types, CLD rules) after a live-server test's flush."""
    import importlib

    from django.apps import apps

    for module, function in REFERENCE_DATA_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


# Figures that system tests report (requests, successes, refusals, timings): printed at the end of the run.
REPORT = []


def pytest_terminal_summary(terminalreporter):
    if REPORT:
        terminalreporter.section("figures reported by the tests")
        for line in REPORT:
            terminalreporter.write_line(line)
