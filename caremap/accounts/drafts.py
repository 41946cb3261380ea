"""Form input kept across a forced sign-out.

When an idle session ends just as someone submits a form, the submitted
fields are held in the (new, anonymous) session together with the id of the
user who typed them. Django keeps session data when that same session signs
in, so after signing in again the form page can offer the input back. It is
only ever given back to the same user; anyone else signing in on that browser
gets nothing, and the data is dropped.
"""

from django.contrib import messages
from django.http import QueryDict
from django.utils.translation import gettext as _

DRAFT_KEY = "caremap_kept_form"
# Never hold on to secrets or tokens.
NOT_KEPT = {
    "csrfmiddlewaretoken",
    "password",
    "password1",
    "password2",
    "old_password",
    "new_password1",
    "new_password2",
}


def keep(request, *, path, data, user_pk):
    fields = {key: data.getlist(key) for key in data if key not in NOT_KEPT}
    request.session[DRAFT_KEY] = {"path": path, "user": user_pk, "fields": fields}


def take(request):
    """The kept form data for this page and user, as a QueryDict, or None.
    Taking it removes it, so it is offered back once."""
    kept = request.session.get(DRAFT_KEY)
    if not kept or kept.get("path") != request.path:
        return None
    del request.session[DRAFT_KEY]
    if not request.user.is_authenticated or kept.get("user") != request.user.pk:
        return None
    data = QueryDict(mutable=True)
    for key, values in kept["fields"].items():
        data.setlist(key, values)
    return data


def form_data(request):
    """What a form view should bind its form to: the POST on a submission,
    otherwise any input kept for this page across a forced sign-out."""
    if request.method == "POST":
        return request.POST
    kept = take(request)
    if kept is not None:
        messages.warning(
            request,
            _(
                "This is what you typed before you were signed out. Nothing has been saved yet: check it and send it again."
            ),
        )
    return kept


def discard_unless_owner(request):
    """On sign-in: a kept form that belongs to someone else is deleted at once."""
    kept = request.session.get(DRAFT_KEY)
    if kept and kept.get("user") != request.user.pk:
        del request.session[DRAFT_KEY]
