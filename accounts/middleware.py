import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

REFRESHED = "_session_refreshed"


class SlidingSessionMiddleware:
    """Keep an active user's session alive: push its end back, saving the session at most once a refresh period.

    Django's SESSION_SAVE_EVERY_REQUEST would write the session row on every request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            if now - request.session.get(REFRESHED, 0) >= settings.SESSION_REFRESH_SECONDS:
                request.session[REFRESHED] = now  # marks the session modified: saved with a new expiry date
        return self.get_response(request)


@receiver(user_logged_in)
def mark_fresh_session(sender, request, user, **kwargs):
    """A new sign-in starts a fresh session: no save is needed on the next request."""
    if request is not None and hasattr(request, "session"):
        request.session[REFRESHED] = time.time()
