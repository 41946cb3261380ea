import re

from caremap.privacy.audit import audit_context

# Addresses that carry a secret: a self-completion link's token, or an
# invitation's, is the only key to it, so the audit trail (and anyone who
# can read it or its backups) must never hold one. An invitation's address
# also travels in the sign-in page's `next`, so the query string is covered.
SECRET_IN_PATH = re.compile(r"(/a/|/invitations/)[^/?#&]+")


def redact(path):
    return SECRET_IN_PATH.sub(r"\1[link]", path)


class AuditContextMiddleware:
    """Makes the request's address and page available to `audit.record`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with audit_context(
            ip_address=client_ip(request),
            path=redact(request.get_full_path())[:255],
            source="web",
        ):
            return self.get_response(request)


def client_ip(request):
    # Axes already resolves the client address through the configured proxy
    # count (PROXY_COUNT); reuse it so the audit trail and lockouts agree.
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None
