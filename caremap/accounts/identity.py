"""The one spelling of an email address that identifies an account.

Addresses are stored lower-cased, and sign-in, lock-outs, password resets and
the audit trail must all agree on which account an address means: if one of
them compared the address as typed, `ALICE@…` and `alice@…` would count as
two people and a pause on one would not hold for the other.
"""


def normalise_address(address):
    """The address as accounts are keyed: surrounding spaces removed and
    lower-cased. None stays None (a form sent without the field)."""
    if address is None:
        return None
    return str(address).strip().lower()
