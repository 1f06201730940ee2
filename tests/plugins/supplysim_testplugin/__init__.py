"""A third-party package extending supplysim through entry points only, as a user's would:
a replenishment policy (:mod:`.policy`) and a disruption kind (:mod:`.closure`)."""
