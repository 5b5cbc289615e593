"""The evidence package: a campaign with decisions, a delegation, a sign-off, claims and sync
runs exports to a directory and to a zip whose verify.py passes under a bare `python -I -S`
(no site-packages, so no boundary-bot); editing any one cell of any file, the manifest's head or
root, deleting a row or the chain's last row makes it fail naming that file (and the row)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from bot.campaigns.population import ITEM_FIELDS
from bot.clock import ManualClock
from bot.errors import Conflict, InvalidInput, NotFound
from bot.evidence.package import PackageSummary, export_package
from bot.evidence.verify_package import HEADERS
from bot.evidence.verify_package import ITEM_FIELDS as SCRIPT_ITEM_FIELDS
from bot.runtime import Runtime
from bot.settings import Settings
from tests.bot.evidence_campaign import CAMPAIGN, build
from tests.conftest import ADMIN, NOW

# Files whose every column is checked against the chain entry the row indexes (or, for the
# chain itself, recomputed): an edit there names the row and the column.
ROW_CHECKED = ("decisions.csv", "delegations.csv", "signoffs.csv", "claims.csv")
ROW_CHECKED += ("sync_runs.csv", "chain.csv")
CELLS = [(name, column) for name, header in HEADERS.items() for column in header]


def verify_py(package: Path) -> subprocess.CompletedProcess[str]:
    """The package's own verify.py, as an auditor runs it: a bare interpreter, no site."""
    return subprocess.run(
        [sys.executable, "-I", "-S", "verify.py"],
        cwd=package,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def export(runtime: Runtime, output: Path, campaign: str | None = CAMPAIGN) -> PackageSummary:
    with runtime.reading() as session:
        return export_package(session, campaign=campaign, output=output, now=NOW)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def pristine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One exported package per backend, shared by the tests that each edit a copy of it."""
    if request.param == "sqlite":
        databases = request.getfixturevalue("sqlite_databases")
    else:
        databases = request.getfixturevalue("postgres_databases")
        if databases is None:
            pytest.skip("PostgreSQL tests need BOUNDARY_TEST_POSTGRES_URL")
    work = tmp_path_factory.mktemp(f"evidence-{request.param}")
    with databases.fresh() as url:
        settings = Settings(_env_file=None, DATABASE_URL=url, BOUNDARY_ADMINS=ADMIN)  # type: ignore[call-arg]
        runtime = Runtime.build(settings, clock=ManualClock(NOW))
        build(runtime, work)
        export(runtime, work / "package")
        runtime.engine.dispose()
    return work / "package"


@pytest.fixture
def package(pristine: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(pristine, tmp_path / "package"))


def rewrite(path: Path, edit: int | None, column: str | None, delete: int | None = None) -> None:
    """Change one cell of data row `edit` (1-based) or delete data row `delete`."""
    with path.open(newline="", encoding="utf-8") as text:
        rows = list(csv.reader(text))
    if delete is not None:
        del rows[delete if delete > 0 else len(rows) + delete]
    if edit is not None and column is not None:
        index = rows[0].index(column)
        value = rows[edit][index]
        rows[edit][index] = (
            str(int(value) + 1) if value.isdigit() else f"{value}x" if value else "1"
        )
    with path.open("w", newline="", encoding="utf-8") as text:
        csv.writer(text).writerows(rows)


def test_the_script_hashes_the_population_with_the_fields_a_launch_does() -> None:
    assert SCRIPT_ITEM_FIELDS == ITEM_FIELDS


def test_a_campaign_package_verifies_with_a_bare_python(pristine: Path) -> None:
    done = verify_py(pristine)

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith(f"PASS campaign {CAMPAIGN}: ")
    manifest = json.loads((pristine / "manifest.json").read_text())
    assert manifest["chain"]["hash"] in done.stdout
    assert manifest["population"]["root"] in done.stdout


def test_the_package_holds_every_kind_of_record(pristine: Path) -> None:
    manifest = json.loads((pristine / "manifest.json").read_text())
    rows = {name: entry.get("rows") for name, entry in manifest["files"].items()}

    assert rows["population.csv"] == 5
    assert rows["decisions.csv"] == 5  # change, remove, and three kept by keep-rest
    assert rows["delegations.csv"] == rows["signoffs.csv"] == 1
    assert rows["claims.csv"] == 1
    assert rows["sync_runs.csv"] == 2  # one failed, one finished
    assert rows["coverage.csv"] == 2
    assert rows["chain.csv"] == manifest["chain"]["seq"]
    assert manifest["campaign"]["closed_seq"] == manifest["chain"]["seq"]
    assert manifest["generated_at"] == "2026-11-30T14:30:00.000000Z"


@pytest.mark.parametrize(("name", "column"), CELLS, ids=[f"{n}:{c}" for n, c in CELLS])
def test_editing_one_cell_fails_naming_the_file(package: Path, name: str, column: str) -> None:
    rewrite(package / name, 1, column)

    done = verify_py(package)

    assert done.returncode == 1
    assert done.stdout.startswith(f"FAIL {name}"), done.stdout
    if name in ROW_CHECKED:
        assert done.stdout.startswith(f"FAIL {name} row 1 column "), done.stdout


@pytest.mark.parametrize("path", [("chain", "hash"), ("chain", "seq"), ("population", "root")])
def test_editing_the_manifests_head_or_root_fails(package: Path, path: tuple[str, str]) -> None:
    manifest = json.loads((package / "manifest.json").read_text())
    value = manifest[path[0]][path[1]]
    manifest[path[0]][path[1]] = value + 1 if isinstance(value, int) else "0" * 64
    (package / "manifest.json").write_text(json.dumps(manifest))

    done = verify_py(package)

    assert done.returncode == 1
    assert done.stdout.startswith(("FAIL manifest.json", "FAIL population.csv")), done.stdout


@pytest.mark.parametrize("name", [name for name in HEADERS if name != "coverage.csv"])
def test_deleting_a_row_fails_naming_the_file(package: Path, name: str) -> None:
    rewrite(package / name, None, None, delete=1)

    done = verify_py(package)

    assert done.returncode == 1
    assert done.stdout.startswith(f"FAIL {name}"), done.stdout


def test_deleting_the_chains_last_row_fails(package: Path) -> None:
    rewrite(package / "chain.csv", None, None, delete=-1)

    done = verify_py(package)

    assert done.returncode == 1
    assert done.stdout.startswith("FAIL chain.csv: ends at"), done.stdout


def test_a_zip_package_verifies_and_unpacks_to_one_that_does(
    runtime: Runtime, tmp_path: Path
) -> None:
    build(runtime, tmp_path)
    summary = export(runtime, tmp_path / "evidence.zip")
    with zipfile.ZipFile(summary.path) as packed:
        packed.extractall(tmp_path / "unpacked")
        script = packed.read("verify.py").decode()

    done = verify_py(tmp_path / "unpacked")
    direct = subprocess.run(
        [sys.executable, "-I", "-S", "-c", script, str(summary.path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0, done.stdout
    assert direct.stdout == done.stdout
    assert set(summary.files) == {*HEADERS, "verify.py", "manifest.json"}
    assert summary.root is not None
    assert summary.root in done.stdout


def test_the_current_state_exports_every_integration_without_a_population(
    runtime: Runtime, tmp_path: Path
) -> None:
    build(runtime, tmp_path)
    summary = export(runtime, tmp_path / "now", campaign=None)

    done = verify_py(summary.path)

    assert done.returncode == 0, done.stdout
    assert done.stdout.startswith("PASS the current state: ")
    assert (summary.rows["population.csv"], summary.rows["decisions.csv"]) == (0, 0)
    assert summary.rows["coverage.csv"] == 2
    assert summary.root is None


def test_a_cell_with_commas_quotes_newlines_and_accents_survives(pristine: Path) -> None:
    with (pristine / "population.csv").open(newline="", encoding="utf-8") as text:
        names = {row["display_name"] for row in csv.DictReader(text)}

    assert {'Ana, "the" admin', "Zoë Ünïcode", "key with\nnewline"} <= names


def test_bad_output_and_unknown_campaigns_are_refused(runtime: Runtime, tmp_path: Path) -> None:
    build(runtime, tmp_path)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("")
    (tmp_path / "a-file").write_text("")

    with pytest.raises(NotFound):
        export(runtime, tmp_path / "p", campaign="no-such-campaign")
    with pytest.raises(Conflict):
        export(runtime, tmp_path / "full")
    with pytest.raises(InvalidInput):
        export(runtime, tmp_path / "a-file" / "package")


def test_the_chain_content_is_what_each_hash_covers(pristine: Path) -> None:
    text = (pristine / "chain.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))

    for row in rows:
        body = f"{row['prev_hash']}\n{row['content']}".encode()
        assert hashlib.sha256(body).hexdigest() == row["hash"]
    assert {row["entry"] for row in rows} == {"declaration", "audit_event"}
