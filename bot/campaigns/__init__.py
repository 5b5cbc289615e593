"""Review campaigns: a named review of a frozen population, decided item by item by allowed
reviewers, signed off per integration and closed, every step an entry of the audit chain."""
