import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-" + "k3y" * 12,
    "ALLOWED_HOSTS": "cases.example.gov.uk",
    "DATABASE_URL": "sqlite:///" + str(ROOT / "never-created.sqlite3"),
}


def manage(*args, env):
    clean = {
        key: value for key, value in os.environ.items() if key not in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG")
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="caredirector.settings")
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_secret_key():
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_development_starts_without_secret_key():
    result = manage("check", env={**PRODUCTION, "SECRET_KEY": "", "DEBUG": "1"})
    assert result.returncode == 0, result.stderr


def test_bad_boolean_setting_fails_loudly():
    result = manage("check", env={**PRODUCTION, "DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_check_deploy_passes_in_production_mode():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    # The HSTS preload warning is the one allowed: preloading is a decision for the council's domain owner.
    warnings = [line for line in (result.stdout + result.stderr).splitlines() if "(security.W" in line]
    assert [w.split(")")[0] + ")" for w in warnings] == ["?: (security.W021)"], result.stdout + result.stderr


def setting_values(expression, env):
    """Print a Python expression over the settings, loaded fresh in a subprocess with the given environment."""
    base = {key: value for key, value in os.environ.items() if key not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    base.update(env, DJANGO_SETTINGS_MODULE="caredirector.settings")
    code = f"import django; django.setup(); from django.conf import settings as s; print({expression})"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_postgres_url_turns_on_the_connection_pool():
    env = {**PRODUCTION, "DATABASE_URL": "postgres://u@db.example:5432/cases"}
    out = setting_values("s.DATABASES['default']['ENGINE'], s.DATABASES['default']['OPTIONS']['pool']", env)
    assert "django.db.backends.postgresql" in out and "'max_size'" in out


def test_default_database_is_sqlite_in_the_project():
    assert setting_values("s.DATABASES['default']['NAME']", {"DEBUG": "1"}) == str(ROOT / "db.sqlite3")


@pytest.mark.django_db
def test_every_response_carries_csp_without_unsafe_inline(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_pages_have_no_inline_scripts_or_handlers(client, practitioner):
    client.force_login(practitioner)
    html = client.get(reverse("cases:case-list")).content.decode()
    assert "<script>" not in html and " onclick=" not in html and " onload=" not in html


def test_secure_cookies_and_hsts_default_on_in_production():
    out = setting_values(
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS", PRODUCTION
    )
    assert out == "True True True 31536000"


def test_la_code_and_council_name_come_from_environment():
    out = setting_values(
        "s.CLD_LA_CODE, '|', s.COUNCIL_NAME", {**PRODUCTION, "CLD_LA_CODE": "384", "COUNCIL_NAME": "Wakefield MDC"}
    )
    assert out == "384 | Wakefield MDC"
