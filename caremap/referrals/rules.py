"""Who may see and make referrals. A referral belongs to a person's record, so
every rule here is asked about the person, through the people rules."""

import rules


@rules.predicate
def can_view_person(user, person):
    return user.has_perm("people.view_person", person)


@rules.predicate
def can_change_person(user, person):
    return user.has_perm("people.change_person", person)


rules.add_perm("referrals.view_referrals", can_view_person)
rules.add_perm("referrals.make_referral", can_change_person)
rules.add_perm("referrals.update_referral", can_change_person)
rules.add_perm("referrals.rate_referral", can_change_person)
