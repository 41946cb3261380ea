"""Who may audit care plans: the organisation's managers only. Navigators are
the ones whose plans are sampled, and commissioners never see named plans."""

import rules

from caremap.organisations.rules import is_manager_of

rules.add_perm("planaudits.audit_plans", is_manager_of)
