"""The local data directory: what goes where, and that `reset` empties only what is ours."""

from __future__ import annotations

import multiprocessing
import stat
from pathlib import Path

import pytest

from devplatform import local
from devplatform.local import ports


def test_the_app_secret_is_made_once_and_kept_private(tmp_path: Path) -> None:
    data = ports.claim(tmp_path / "data")
    first = ports.app_secret(data)
    assert len(first) >= 32
    assert ports.app_secret(data) == first
    assert stat.S_IMODE((data / ports.SECRET_FILE).stat().st_mode) == 0o600
    assert stat.S_IMODE(data.stat().st_mode) == 0o700


def _secret(data: Path, out: multiprocessing.Queue[bytes]) -> None:
    out.put(ports.app_secret(data))


def test_processes_starting_together_agree_on_one_cursor_secret(tmp_path: Path) -> None:
    data = ports.claim(tmp_path / "data")
    context = multiprocessing.get_context("spawn")
    out: multiprocessing.Queue[bytes] = context.Queue()
    workers = [context.Process(target=_secret, args=(data, out)) for _ in range(4)]
    for worker in workers:
        worker.start()
    secrets = {out.get(timeout=60) for _ in workers}
    for worker in workers:
        worker.join(60)
    assert secrets == {ports.app_secret(data)}


def test_a_directory_holding_other_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="other files"):
        local.install(tmp_path)
    with pytest.raises(ValueError, match="not a badgehub data directory"):
        local.reset(tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_reset_empties_the_data_directory_and_nothing_outside(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("keep")
    data = ports.claim(tmp_path / "data")
    ports.local_ports(data).stores.issuers  # noqa: B018 - makes the table file
    local.blob_store(data).put_public("badges/b/image.png", b"png", "image/png")
    (data / "link").symlink_to(outside, target_is_directory=True)
    (data / "blobs" / "link").symlink_to(outside / "keep.txt")
    local.reset(data)
    assert sorted(p.name for p in data.iterdir()) == [ports.MARKER]
    assert (outside / "keep.txt").read_text() == "keep"
    local.reset(tmp_path / "never-made")  # nothing to empty is fine


@pytest.mark.parametrize(("mode", "pragma"), [("FULL", 2), ("NORMAL", 1)])
def test_the_table_durability_mode_reaches_the_handlers_table(
    tmp_path: Path, mode: str, pragma: int
) -> None:
    """`--sync` reaches each worker through `install`: the table its handlers write to."""
    from badgehub.runtime import wiring
    from devplatform.local.sqlite_table import SqliteTable

    data = ports.claim(tmp_path / "data")
    local.install(data, mode)
    try:
        table = wiring.ports()._table()  # the table the handlers' stores are built on
        assert isinstance(table, SqliteTable)
        assert table._connection().execute("PRAGMA synchronous").fetchone()[0] == pragma
    finally:  # later tests get the AWS bundle back, as test_local_adapters leaves it
        wiring.reset()
        wiring.install(wiring.aws_ports)


def test_an_unknown_durability_mode_is_refused(tmp_path: Path) -> None:
    from devplatform.local.sqlite_table import SqliteTable

    with pytest.raises(ValueError, match="FULL, NORMAL"):
        SqliteTable(tmp_path / "t.sqlite3", synchronous="OFF; DROP TABLE items")
