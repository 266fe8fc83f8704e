from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from accounts import throttle


def client_address(request):
    """The client's address: REMOTE_ADDR, or the first X-Forwarded-For hop when a trusted proxy sets it."""
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:100]
    return request.META.get("REMOTE_ADDR", "")[:100]


class ThrottledAuthenticationForm(AuthenticationForm):
    """Sign-in that slows down and then locks repeated failures, for the account and for the address."""

    def clean(self):
        username = self.cleaned_data.get("username", "")
        address = client_address(self.request) if self.request else ""
        wait, locked = throttle.wait_seconds(username, address)
        if wait:
            if locked:
                minutes = max(1, round(wait / 60))
                message = (
                    f"Too many failed sign-in attempts. Signing in is locked for about {minutes} "
                    f"minute{'s' if minutes != 1 else ''}. If you have forgotten your password, ask your administrator."
                )
            else:
                message = f"Too many failed sign-in attempts. Wait {wait} seconds before trying again."
            raise ValidationError(message, code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError as error:
            if any(e.code == "invalid_login" for e in error.error_list):
                throttle.record_failure(username, address)
            raise
        throttle.record_success(username)
        return cleaned
