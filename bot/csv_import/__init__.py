"""CSV import of identities: validate the whole file (`parse`), then upsert it in one
transaction (`upsert`).

All or nothing: if any row is bad, every problem is reported with its line number and nothing
is written. Re-importing the same file changes nothing (upsert by external id). A column the
file leaves out keeps its stored value on identities that already exist; identities missing
from the file are left as they are (a connector sync is what deactivates the unseen).
"""

from bot.csv_import.parse import COLUMNS, CsvRejected, IdentityRow, parse_csv
from bot.csv_import.upsert import ImportResult, import_csv, upsert_identities

__all__ = [
    "COLUMNS",
    "CsvRejected",
    "IdentityRow",
    "ImportResult",
    "import_csv",
    "parse_csv",
    "upsert_identities",
]
