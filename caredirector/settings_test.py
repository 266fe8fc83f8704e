"""Settings for the test suite: the real settings with test-only speed and serving tweaks."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 40)

from caredirector.settings import *  # noqa: E402,F403

# The manifest needs collectstatic; tests render {% static %} without it.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# The live server speaks plain HTTP, and its middleware is built once per session.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Hashing with the production hasher makes every login in a test take ~0.3 s.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Nothing is collected in tests; the finders serve static files.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
# The CLD extract runs' files: a folder of this test session's own (a worker process it starts is given the same).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or tempfile.mkdtemp(prefix="caredirector-test-media-"))
