"""Audit events about an account rather than a person's record: failed
sign-ins, pauses, password resets. Each is filed under every organisation the
account works in, so those managers see what happens to their staff's
accounts; an account with no organisation (or no account at all) gets one
event with none."""

from caremap.privacy.audit import record


def record_about_account(action, *, user, summary, by=None):
    for organisation in organisations_of(user):
        record(
            action,
            by=by,
            record=user,
            record_type="accounts.user",
            organisation=organisation,
            summary=summary,
        )


def organisations_of(user):
    if user is None:
        return [None]
    organisations = {
        m.organisation_id: m.organisation
        for m in user.active_memberships
        if m.organisation_id
    }
    return list(organisations.values()) or [None]


def account_for(address):
    """The account an address (already normalised) names, or None."""
    from caremap.accounts.models import User

    return User.objects.filter(email=address).first() if address else None


def describe(address, user):
    """How an event's summary names the account: its address, marked when
    no account has it."""
    return address if user is not None else f"{address} (no such account)"
