import time

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.functional import SimpleLazyObject

from accounts.backends import preloaded_user

REFRESHED = "_session_refreshed"


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, with the user row the session's query already read (caredirector.sessions) offered to the backend.

    Django still decides who the user is: the session's user id and backend, the backend's checks (an inactive user is
    nobody) and the session's password hash. The row is offered only for the one call that asks.
    """

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _user(request))


def _user(request):
    if not hasattr(request, "_cached_user"):
        session = request.session
        session._get_session()  # loads the session, and with it the user's row
        token = preloaded_user.set(getattr(session, "preloaded_user", None))
        try:
            request._cached_user = auth.get_user(request)
        finally:
            preloaded_user.reset(token)
    return request._cached_user


class SlidingSessionMiddleware:
    """Keep an active user's session alive: push its end back, saving the session at most once a refresh period."""

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
