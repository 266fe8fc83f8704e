"""Slow down, then lock, repeated failed sign-ins for one account or from one address (state in the database)."""

import datetime
import math

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import LoginThrottle


def keys(username, address):
    found = []
    if username:
        found.append(f"user:{username.strip().lower()[:150]}")
    if address:
        found.append(f"ip:{address}")
    return found


def wait_seconds(username, address, now=None):
    """Seconds to wait before trying again (0: go ahead), and whether the wait is a lock rather than a slow-down."""
    now = now or timezone.now()
    longest, locked = 0, False
    for throttle in LoginThrottle.objects.filter(key__in=keys(username, address)):
        if throttle.locked_until and throttle.locked_until > now:
            longest, locked = max(longest, math.ceil((throttle.locked_until - now).total_seconds())), True
            continue
        free = settings.LOGIN_THROTTLE_FREE_ATTEMPTS
        if throttle.failures >= free and now - throttle.last_failure_at < _window():
            delay = min(2 ** (throttle.failures - free + 1), 60)
            remaining = delay - (now - throttle.last_failure_at).total_seconds()
            longest = max(longest, math.ceil(remaining)) if remaining > 0 else longest
    return longest, locked


def record_failure(username, address, now=None):
    """Count a failed sign-in against the account and the address; lock either once it reaches the limit."""
    now = now or timezone.now()
    for key in keys(username, address):
        with transaction.atomic():
            throttle, created = LoginThrottle.objects.select_for_update().get_or_create(
                key=key, defaults={"failures": 0, "last_failure_at": now}
            )
            lock_over = throttle.locked_until is not None and throttle.locked_until <= now
            if lock_over or now - throttle.last_failure_at > _window():
                throttle.failures, throttle.locked_until = 0, None
            throttle.failures += 1
            throttle.last_failure_at = now
            if throttle.failures >= settings.LOGIN_THROTTLE_LOCK_AFTER:
                throttle.locked_until = now + datetime.timedelta(seconds=settings.LOGIN_THROTTLE_LOCK_SECONDS)
                throttle.failures = 0
            throttle.save()


def record_success(username):
    """A correct password clears the account's count (not the address's: one address may try many accounts)."""
    LoginThrottle.objects.filter(key__in=keys(username, None)).delete()


def _window():
    return datetime.timedelta(seconds=settings.LOGIN_THROTTLE_WINDOW_SECONDS)
