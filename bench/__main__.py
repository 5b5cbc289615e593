"""`python -m bench [NAME [ARGS...]]`: list the benchmarks, or run one by name."""

from __future__ import annotations

import importlib
import runpy
import sys

BENCHMARKS = {
    "foundation": "who lookups, CSV import and gap computation vs raw SQL (SQLite, PostgreSQL)",
    "slack_http": "signed /boundary who over HTTP vs a raw ASGI app and a bare bolt app",
    "nudges": "planning a nudge cycle, and sending digests to a rate-limiting stand-in",
    "attack": "hostile requests by family against the real bot process (SQLite, PostgreSQL)",
    "scim_sync": "syncing SCIM users from a loopback scim2-server vs bare httpx paging",
    "slack_inprocess": "signed /boundary who dispatched in-process: bot vs bare bolt, --profile",
    "who_lookup": "fuzzy who: prefix, did-you-mean and domain lookups vs the raw exact lookup",
    "evidence": "campaign launch, evidence export and verify.py vs bare SELECT+csv and hashlib",
}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in BENCHMARKS:
        print("usage: python -m bench NAME [ARGS...]   (each NAME takes --help)\n")
        for name, what in BENCHMARKS.items():
            print(f"  {name:<15} {what}")
        print("\nResults and the commands that produced them: docs/benchmarks.md")
        sys.exit(0 if len(sys.argv) < 2 else 2)
    name = sys.argv[1]
    sys.argv = [f"bench.{name}", *sys.argv[2:]]
    importlib.import_module(f"bench.{name}")  # fail early, with a clear import error
    runpy.run_module(f"bench.{name}", run_name="__main__")


if __name__ == "__main__":
    main()
