"""`badgehub issue` and `badgehub batches` as an issuer runs them: real processes against the
running local platform, whose worker issues the rows through its SQS deliveries.

A file with one bad row issues the good ones (exit 1, the bad row in FILE.errors.csv); running
it again issues nothing twice; Ctrl-C leaves the batch going and the same command resumes
watching it; `batches status` says done.
"""

from __future__ import annotations

import csv
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def _env(platform: dict[str, Any]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BADGEHUB_", "REQUESTS_"))}
    env |= {
        "BADGEHUB_URL": platform["base_url"],
        "BADGEHUB_API_KEY": platform["demo"]["api_key"],
        "PYTHONPATH": os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]),
    }
    if platform.get("ca_file"):
        env["BADGEHUB_CA_BUNDLE"] = platform["ca_file"]
    return env


def badgehub(platform: dict[str, Any], *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "badgehub_cli", *args],
        cwd=ROOT,
        env=_env(platform),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert "Traceback" not in done.stderr + done.stdout
    return done


def interrupted_while_watching(platform: dict[str, Any], command: list[str], state: Path) -> str:
    """Runs `badgehub COMMAND` and sends it Ctrl-C once it has kept its batch id; answers the
    stderr of a run that was interrupted (exit 130).

    The batch goes on while the signal travels: on a busy machine a small one can be done
    first, and the CLI then rightly exits 0. That run says nothing about Ctrl-C, so the caller
    is asked for a bigger file; a run that exits any other way fails the test."""
    with _sigint_not_ignored():
        process = subprocess.Popen(
            [sys.executable, "-m", "badgehub_cli", *command, "--no-notify"],
            cwd=ROOT,
            env=_env(platform),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    deadline = time.monotonic() + 60
    while not state.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert state.exists(), "the batch id is kept before watching starts"
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert "Traceback" not in err
    if process.returncode == 0:
        raise BatchBeatTheSignal(out + err)
    assert process.returncode == 130, out + err
    return err


@contextmanager
def _sigint_not_ignored() -> Iterator[None]:
    """Children started here get Ctrl-C as a terminal's shell gives it to them. A test run
    started in the background (`make test &`, some CI runners) ignores SIGINT; children
    inherit an ignored signal, and Python then installs no KeyboardInterrupt handler, so the
    CLI would rightly carry on. A handler of ours is not inherited: the child starts with
    the default and Python's own handler."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


class BatchBeatTheSignal(Exception):
    """The batch was done before Ctrl-C reached the CLI."""


def _graduates(tmp_path: Path, good: int, *, bad: bool) -> Path:
    run = uuid.uuid4().hex[:8]  # the session's platform outlives one test: rows of our own
    rows = ["email,name,external_id"]
    rows += [f"cli-{run}-{n}@example.org,Graduate {n},CLI-{run}-{n}" for n in range(1, good + 1)]
    if bad:
        rows.append(f"not-an-address,Mallory,CLI-{run}-bad")
    file = tmp_path / "graduates.csv"
    file.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    return file


def _batch_id(stderr: str) -> str:
    found = re.search(r"batch ([A-Za-z0-9_-]+)", stderr)
    assert found, stderr
    return found.group(1)


def test_a_file_with_a_bad_row_issues_the_rest_and_running_it_again_issues_nothing_twice(
    platform: dict[str, Any], tmp_path: Path
) -> None:
    file = _graduates(tmp_path, 3, bad=True)
    badge = platform["demo"]["badge"]["id"]

    first = badgehub(platform, "issue", "--badge", badge, "--csv", str(file), "--no-notify")

    assert first.returncode == 1, first.stdout + first.stderr
    assert "Issued 3, skipped 0 (issued before), failed 1, of 4 rows." in first.stdout
    errors = file.with_name("graduates.csv.errors.csv")
    assert f"The rejected rows and why: {errors}" in first.stdout
    [header, (row, field, _message)] = list(csv.reader(errors.open(encoding="utf-8")))
    assert (header, row, field) == (["row", "field", "message"], "4", "email")
    assert "4/4" in first.stderr  # plain progress lines (stderr is not a terminal), the last one
    assert "\r" not in first.stderr
    assert not file.with_name("graduates.csv.badgehub-batch").exists()

    again = badgehub(platform, "issue", "--badge", badge, "--csv", str(file), "--no-notify")
    assert again.returncode == 1
    assert "Issued 0, skipped 3 (issued before), failed 1, of 4 rows." in again.stdout

    status = badgehub(platform, "batches", "status", _batch_id(first.stderr))
    assert status.returncode == 0, status.stderr
    lines = status.stdout.splitlines()
    assert lines[0] == f"Batch {_batch_id(first.stderr)}: done"
    assert "  Rows:      4 (issued 3, skipped 0, failed 1, pending 0)" in lines

    saved = tmp_path / "again-errors.csv"
    fetched = badgehub(platform, "batches", "errors", _batch_id(again.stderr), "-o", str(saved))
    assert fetched.returncode == 0, fetched.stderr
    assert saved.read_bytes() == errors.read_bytes()


def test_ctrl_c_leaves_the_batch_going_and_the_same_command_resumes_watching_it(
    platform: dict[str, Any], tmp_path: Path
) -> None:
    for rows in (20, 200, 1000):
        file = _graduates(tmp_path, rows, bad=False)
        state = file.with_name("graduates.csv.badgehub-batch")
        command = ["issue", "--badge", platform["demo"]["badge"]["id"], "--csv", str(file)]
        try:
            err = interrupted_while_watching(platform, command, state)
            break
        except BatchBeatTheSignal:
            continue
    else:
        pytest.fail("every batch was done before Ctrl-C reached the CLI")

    batch_id = _batch_id(err)
    assert f"interrupted; batch {batch_id} goes on on the platform" in err
    assert state.exists()

    resumed = badgehub(platform, *command, "--no-notify")
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert f"resuming batch {batch_id}" in resumed.stderr
    # The same batch, watched to its end: a second batch would have skipped every row.
    assert f"Issued {rows}, skipped 0 (issued before), failed 0, of {rows} rows." in resumed.stdout
    assert not state.exists()
    assert not file.with_name("graduates.csv.errors.csv").exists()

    as_json = badgehub(platform, "batches", "status", batch_id, "--json")
    assert '"status": "done"' in as_json.stdout


def test_an_unknown_batch_id_exits_2_with_the_platforms_404(platform: dict[str, Any]) -> None:
    done = badgehub(platform, "batches", "status", "b" + uuid.uuid4().hex)
    assert done.returncode == 2
    assert done.stderr.startswith("badgehub: the platform refused it (404)")


def test_a_file_over_the_posting_limit_goes_through_the_presigned_upload_and_resumes(
    platform: dict[str, Any], tmp_path: Path
) -> None:
    """220 rows with a long narrative and evidence each (2.2 MB, over the 2 MiB a post may
    carry): uploaded, started when it lands, followed, interrupted and resumed. A dry run:
    every row is checked as it would be for issuing (the issuing itself is the tests above)."""
    from badgehub_cli.commands.issue import MAX_POST

    thesis = ("A thesis on the reliability of bulk issuing. " * 110)[:4900]  # the limit is 5,000
    badge = platform["demo"]["badge"]["id"]
    for count in (220, 600, 1500):  # 2.2, 6 and 15 MB: over the 2 MiB a post may carry
        run = uuid.uuid4().hex[:8]
        rows = ["email,name,narrative,evidence_narrative,external_id"]
        rows += [
            f"big-{run}-{n}@example.org,Graduate {n},{thesis},{thesis},BIG-{run}-{n}"
            for n in range(count)
        ]
        file = tmp_path / "graduates.csv"
        file.write_text("\n".join(rows) + "\n", encoding="utf-8")
        assert file.stat().st_size > MAX_POST
        state = file.with_name("graduates.csv.badgehub-batch")
        command = ["issue", "--badge", badge, "--csv", str(file), "--dry-run"]
        try:
            err = interrupted_while_watching(platform, command, state)
            break
        except BatchBeatTheSignal:
            continue
    else:
        pytest.fail("every batch was done before Ctrl-C reached the CLI")

    batch_id = _batch_id(err)
    assert f"batch {batch_id}: {file.stat().st_size} bytes sent" in err

    resumed = badgehub(platform, *command, "--no-notify")
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert f"resuming batch {batch_id}" in resumed.stderr
    assert (
        f"Dry run: {count} of {count} rows would be issued, 0 rejected; nothing was issued."
        in resumed.stdout
    )
    assert f"{count}/{count}" in resumed.stderr
    assert not state.exists()
