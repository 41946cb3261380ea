"""The service navigation: one list of items per role, shown in the header."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from caremap.organisations.models import Membership


def items_for(request):
    user = request.user
    roles = {m.role for m in user.active_memberships}
    items = [(_("Home"), reverse("home"))]
    if roles & {Membership.Role.NAVIGATOR, Membership.Role.MANAGER}:
        items.append((_("People"), reverse("people:person-list")))
        items.append((_("Alerts"), reverse("engagement:alerts")))
        items.append((_("Group registers"), reverse("engagement:register-choose")))
    if user.has_perm("directory.use_directory"):
        items.append((_("Directory"), reverse("directory:search")))
    if roles & {Membership.Role.MANAGER, Membership.Role.COMMISSIONER}:
        items.append((_("Reports"), reverse("reports:home")))
    if Membership.Role.MANAGER in roles:
        items.append((_("Organisation"), reverse("organisations:manage")))
    if user.is_staff:
        items.append((_("Administration"), reverse("admin:index")))
    # Every signed-in user's own sign-in settings (two-step verification).
    items.append((_("Your account"), reverse("accounts:account")))
    current = request.path
    return [
        {
            "text": text,
            "href": href,
            "active": href != reverse("home")
            and current.startswith(href)
            or current == href,
        }
        for text, href in items
    ]
