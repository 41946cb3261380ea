"""Who sees which reports: commissioners their area's, always with small
counts hidden and never a name; managers their own organisation's, in full
and down to the people behind each number."""

import rules

from caremap.directory.rules import commissions_area
from caremap.organisations.rules import is_manager_of

rules.add_perm("reports.view_area", commissions_area)
rules.add_perm("reports.view_organisation", is_manager_of)
