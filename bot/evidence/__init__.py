"""The evidence package: one CSV per table, a manifest with the chain head and population root,
and a verify.py an auditor runs with a bare Python (docs/evidence.md, "The evidence package")."""
