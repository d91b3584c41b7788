import time
from contextvars import ContextVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext as _

_request: ContextVar = ContextVar("salesdesk_request", default=None)


def current_request():
    """The request being served on this thread, for audit rows written deep inside services."""
    return _request.get()


class IdleTimeoutMiddleware:
    """Ends a session after SESSION_IDLE_MINUTES without a request, and remembers the request
    for audit. API calls with a token carry no session and are not affected."""

    session_key = "_last_seen"
    resolution_seconds = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            if request.user.is_authenticated and hasattr(request, "session"):
                now = time.time()
                last_seen = request.session.get(self.session_key)
                if last_seen is not None and now - last_seen > settings.SESSION_IDLE_MINUTES * 60:
                    logout(request)
                    messages.info(request, _("You were signed out after a period of inactivity."))
                    if not request.path.startswith("/api/"):
                        return redirect_to_login(request.get_full_path())
                elif last_seen is None or now - last_seen > self.resolution_seconds:
                    # A write per minute at most: saving the session on every read would make
                    # every page and API call a database write.
                    request.session[self.session_key] = now
            return self.get_response(request)
        finally:
            _request.reset(token)
