"""`badgehub issue` and `badgehub batches` with no platform: the progress line, the state file
that makes a run resumable, Ctrl-C, the upload path and argument errors, over a fake client."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from badgehub_cli import main
from badgehub_cli.client import ApiError, Client, Reply
from badgehub_cli.commands import batches, issue
from badgehub_cli.config import Config
from badgehub_cli.errors import CliError

CSV_ROWS = b"email,name\nada@example.org,Ada\nbad-address,Bob\n"


def a_batch(status: str = "issuing", **counts: Any) -> dict[str, Any]:
    base = {"id": "b1", "badgeId": "bdg1", "dryRun": False, "total": 2, "issued": 0}
    return {"status": status, **base, "skipped": 0, "failed": 0, "pending": 2, **counts}


class FakeApi:
    """Answers like the batches API: the posted batch, then each GET the next of `states`."""

    def __init__(self, states: list[dict[str, Any]], *, refuse_post: int | None = None) -> None:
        self.states = states
        self.calls: list[tuple[str, str]] = []
        self.puts: list[tuple[str, bytes, dict[str, str]]] = []
        self.refuse_post = refuse_post
        self.on_get: Callable[[], None] = lambda: None

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        content_type: str | None = None,
        authenticated: bool = False,
        accept: str = "application/json",
    ) -> Reply:
        assert authenticated
        self.calls.append((method, path))
        if path.endswith("/errors"):
            return Reply(200, "text/csv", b"row,field,message\r\n2,email,not an address\r\n")
        if method == "POST" and path.startswith("/v1/badges/bdg1/batches/uploads"):
            answer = a_batch("awaiting_upload", total=0, pending=0)
            answer["upload"] = {
                "url": "https://uploads.example/b1?sig=x",
                "method": "PUT",
                "headers": {"Content-Type": "text/csv"},
            }
            return _json(201, answer)
        if method == "POST" and path.startswith("/v1/badges/bdg1/batches"):
            if self.refuse_post:
                raise ApiError(self.refuse_post, "too_large", "body too large", "body")
            return _json(202, a_batch("validating", total=0, pending=0))
        if method == "POST" and path == "/v1/batches/b1/start":
            return _json(202, a_batch("validating", total=0, pending=0))
        assert (method, path) == ("GET", "/v1/batches/b1")
        self.on_get()
        return _json(200, self.states.pop(0))

    def put_url(self, url: str, body: bytes, headers: dict[str, str]) -> None:
        self.puts.append((url, body, headers))


def _json(status: int, document: dict[str, Any]) -> Reply:
    return Reply(status, "application/json", json.dumps(document).encode())


def _job(tmp_path: Path, data: bytes = CSV_ROWS, **options: bool) -> issue.Job:
    file = tmp_path / "graduates.csv"
    file.write_bytes(data)
    return issue.Job("bdg1", file, options.get("dry_run", False), options.get("notify", True))


def _progress() -> tuple[issue.Progress, io.StringIO]:
    stream = io.StringIO()
    return issue.Progress(stream, tty=False, clock=lambda: 0.0), stream


SETTLING = [a_batch(pending=1, issued=1), a_batch("done", issued=1, failed=1, pending=0)]


def test_the_progress_line_says_how_far_and_what_happened() -> None:
    assert issue.render(a_batch("validating", total=0), width=10) == (
        "[..........]  checking the rows…"
    )
    line = issue.render(a_batch(total=1000, pending=550, issued=440, skipped=5, failed=5), 10)
    assert line == "[####......]  45%  450/1000  issued 440 · skipped 5 · failed 5  issuing"
    done = issue.render(a_batch("done", total=2, pending=0, issued=2), 10)
    assert done.startswith("[##########] 100%  2/2  issued 2")
    hostile = issue.render(a_batch("\x1b[2Jdone\r"))
    assert "\x1b" not in hostile and "\r" not in hostile


def test_on_a_terminal_one_line_is_redrawn_in_place() -> None:
    stream = io.StringIO()
    progress = issue.Progress(stream, tty=True)
    progress.update(a_batch(total=1000, pending=990, issued=10))
    progress.update(a_batch("validating", total=0))  # shorter: the rest is blanked out
    progress.finish()
    first, second = stream.getvalue().split("\r")[1:]
    assert "\n" not in first
    assert len(second.rstrip("\n")) == len(first)
    assert stream.getvalue().endswith("\n") and stream.getvalue().count("\n") == 1


def test_elsewhere_a_plain_line_now_and_then_and_always_the_last() -> None:
    now = [0.0]
    stream = io.StringIO()
    progress = issue.Progress(stream, tty=False, clock=lambda: now[0])
    for step, pending in enumerate([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]):
        now[0] = step * 1.0
        progress.update(a_batch(total=10, pending=pending, issued=10 - pending))
    progress.update(a_batch(total=10, pending=1, issued=9))  # unchanged: not printed again
    progress.update(a_batch("done", total=10, pending=0, issued=10))
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    assert [line.split()[2] for line in lines] == ["0/10", "5/10", "10/10"]


def test_a_batch_is_posted_watched_and_summarised_with_its_errors_saved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    job = _job(tmp_path, notify=False)
    api = FakeApi(list(SETTLING))
    seen_state: list[dict[str, Any]] = []
    api.on_get = lambda: seen_state.append(json.loads(job.state_file.read_text()))
    progress, stream = _progress()

    code = issue.issue(api, job, progress, sleep=lambda _: None)

    assert code == 1  # a row failed
    assert api.calls[0] == ("POST", "/v1/badges/bdg1/batches?dryRun=false&notify=false")
    assert seen_state[0]["batchId"] == "b1"  # written before watching: Ctrl-C can resume
    assert not job.state_file.exists()  # settled: nothing left to resume
    assert job.errors_file.read_bytes().startswith(b"row,field,message")
    out = capsys.readouterr().out
    assert "Issued 1, skipped 0 (issued before), failed 1, of 2 rows." in out
    assert f"The rejected rows and why: {job.errors_file}" in out
    assert "batch b1" in stream.getvalue()


def test_nothing_failed_exits_0_and_writes_no_errors_file(tmp_path: Path) -> None:
    job = _job(tmp_path)
    api = FakeApi([a_batch("done", issued=1, skipped=1, pending=0)])
    assert issue.issue(api, job, _progress()[0], sleep=lambda _: None) == 0
    assert not job.errors_file.exists()
    assert ("GET", "/v1/batches/b1/errors") not in api.calls


def test_ctrl_c_keeps_the_batch_and_says_how_to_resume(tmp_path: Path) -> None:
    job = _job(tmp_path)
    api = FakeApi([a_batch(pending=1, issued=1)])

    def interrupt(_: float) -> None:
        raise KeyboardInterrupt

    with pytest.raises(CliError) as stopped:
        issue.issue(api, job, _progress()[0], sleep=interrupt)
    assert stopped.value.code == 130
    assert "batch b1 goes on on the platform" in stopped.value.message
    assert f"badgehub issue --badge bdg1 --csv {job.file}" in stopped.value.message
    assert json.loads(job.state_file.read_text())["batchId"] == "b1"

    again = FakeApi(list(SETTLING))
    progress, stream = _progress()
    assert issue.issue(again, job, progress, sleep=lambda _: None) == 1
    assert not [call for call in again.calls if call[0] == "POST"]  # watched, not re-sent
    assert "resuming batch b1" in stream.getvalue()


@pytest.mark.parametrize(
    "change",
    [
        {"sha256": "0" * 64},  # the file changed since
        {"badgeId": "other"},
        {"dryRun": True},
        {"batchId": "../../v1/issuers/x/api-keys"},  # a tampered state file steers no request
        {"batchId": "b1?x=1"},
    ],
)
def test_a_state_file_for_anything_else_is_not_resumed(
    tmp_path: Path, change: dict[str, Any]
) -> None:
    job = _job(tmp_path)
    api = FakeApi([a_batch(pending=1)])
    with pytest.raises(CliError):
        issue.issue(api, job, _progress()[0], sleep=_interrupt)
    state = json.loads(job.state_file.read_text())
    job.state_file.write_text(json.dumps(state | change))

    again = FakeApi([a_batch("done", issued=2, pending=0)])
    assert issue.issue(again, job, _progress()[0], sleep=lambda _: None) == 0
    assert again.calls[0][0] == "POST"
    assert all(".." not in path and "?x" not in path for _, path in again.calls)


def _interrupt(_: float) -> None:
    raise KeyboardInterrupt


def test_a_resumed_batch_the_platform_does_not_know_is_sent_again(tmp_path: Path) -> None:
    job = _job(tmp_path)
    with pytest.raises(CliError):
        issue.issue(FakeApi([a_batch(pending=1)]), job, _progress()[0], sleep=_interrupt)
    api = FakeApi([a_batch("done", issued=2, pending=0)])
    answers = iter([ApiError(404, "not_found", "no such batch", None)])
    original = api.request

    def first_get_unknown(method: str, path: str, **kw: Any) -> Reply:
        if method == "GET" and (refusal := next(answers, None)):
            raise refusal
        return original(method, path, **kw)

    api.request = first_get_unknown  # type: ignore[method-assign]
    assert issue.issue(api, job, _progress()[0], sleep=lambda _: None) == 0
    posted = next(path for method, path in api.calls if method == "POST")
    assert posted.startswith("/v1/badges/bdg1/batches?")


def test_a_file_over_the_posting_limit_is_uploaded_then_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(issue, "MAX_POST", 10)
    job = _job(tmp_path, dry_run=True)
    api = FakeApi([a_batch("done", dryRun=True, valid=2, pending=0)])
    assert issue.issue(api, job, _progress()[0], sleep=lambda _: None) == 0
    assert [c for c in api.calls if c[0] == "POST"] == [
        ("POST", "/v1/badges/bdg1/batches/uploads?dryRun=true&notify=true&contentType=text%2Fcsv"),
        ("POST", "/v1/batches/b1/start"),
    ]
    assert api.puts == [
        ("https://uploads.example/b1?sig=x", CSV_ROWS, {"Content-Type": "text/csv"})
    ]


def test_a_platform_that_refuses_the_post_as_too_large_gets_the_upload(tmp_path: Path) -> None:
    api = FakeApi([a_batch("done", issued=2, pending=0)], refuse_post=413)
    assert issue.issue(api, _job(tmp_path), _progress()[0], sleep=lambda _: None) == 0
    assert len(api.puts) == 1


def test_a_refused_post_is_reported_as_the_platform_words_it(tmp_path: Path) -> None:
    api = FakeApi([], refuse_post=403)
    with pytest.raises(ApiError, match=r"\(403\): body too large \(body\)"):
        issue.issue(api, _job(tmp_path), _progress()[0], sleep=lambda _: None)


def test_the_dry_run_summary_says_nothing_was_issued(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api = FakeApi([a_batch("done", dryRun=True, valid=1, failed=1, pending=0)])
    assert issue.issue(api, _job(tmp_path, dry_run=True), _progress()[0], lambda _: None) == 1
    assert "Dry run: 1 of 2 rows would be issued, 1 rejected; nothing was issued." in (
        capsys.readouterr().out
    )


def test_the_upload_never_goes_in_clear_text_across_a_network() -> None:
    client = Client(Config("http://127.0.0.1:1", "k", None, 1.0))
    with pytest.raises(CliError, match="over plain http"):
        client.put_url("http://uploads.example/b1", b"x", {})
    with pytest.raises(CliError, match="not an http"):
        client.put_url("file:///etc/passwd", b"x", {})


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["issue", "--badge", "bdg1", "--csv", "{missing}"], "no such file"),
        (["issue", "--badge", "../x", "--csv", "{file}"], "--badge must be an id"),
        (["issue", "--badge", "bdg1", "--csv", "{empty}"], "is empty"),
        (["batches", "status", "b1/../../x"], "the batch must be an id"),
        (["batches", "errors", "b1?x"], "the batch must be an id"),
    ],
)
def test_argument_errors_exit_2_with_one_line(
    argv: list[str],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("BADGEHUB_URL", "http://127.0.0.1:1")
    (tmp_path / "g.csv").write_bytes(CSV_ROWS)
    (tmp_path / "e.csv").write_bytes(b"  \n")
    names = {
        "missing": tmp_path / "no.csv",
        "file": tmp_path / "g.csv",
        "empty": tmp_path / "e.csv",
    }
    assert main.main([arg.format(**names) for arg in argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("badgehub: ") and message in err and err.count("\n") == 1


@pytest.mark.parametrize(
    "argv", [["issue", "--csv", "x.csv"], ["issue", "--badge", "b"], ["batches"]]
)
def test_missing_arguments_are_usage_errors(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as usage:
        main.main(argv)
    assert usage.value.code == 2


def test_ctrl_c_through_the_command_exits_130_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BADGEHUB_URL", "http://127.0.0.1:1")
    monkeypatch.setattr(issue, "Client", lambda _config: FakeApi([a_batch(pending=2)]))
    monkeypatch.setattr(issue.time, "sleep", _interrupt)
    file = _job(tmp_path).file
    assert main.main(["issue", "--badge", "bdg1", "--csv", str(file)]) == 130
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.splitlines()[-1].startswith("badgehub: interrupted; batch b1 goes on")


def test_batches_status_prints_state_and_counts(capsys: pytest.CaptureFixture[str]) -> None:
    batches.print_status(a_batch("done", issued=1, failed=1, pending=0, message="\x1b]0;x\x07"))
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "Batch b1: done"
    assert "  Rows:      2 (issued 1, skipped 0, failed 1, pending 0)" in out
    assert "badgehub batches errors b1 -o errors.csv" in out
    assert "\x1b" not in out
