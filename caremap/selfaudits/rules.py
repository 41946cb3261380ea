"""Who may keep and read self-audits.

Managers keep their own organisation's audits, files and all. Commissioners
read the completed audits of every organisation in their area, with the
evidence notes but not the files, and change nothing."""

import rules

from caremap.directory.rules import commissioner_area_ids
from caremap.organisations.rules import is_manager_of


@rules.predicate
def commissions_area(user, area):
    return area is not None and area.pk in commissioner_area_ids(user)


rules.add_perm("selfaudits.keep_audits", is_manager_of)
rules.add_perm("selfaudits.view_area_audits", commissions_area)
