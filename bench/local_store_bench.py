"""Local storage under load: time per issued badge and memory, 1,000 then 10,000 issues.

Run with `python -m bench.local_store_bench [--issues N] [--data-dir DIR]`. The real issue
handler runs in-process through the local gateway on the local adapters (SQLite, files,
local keys), each request with its own Idempotency-Key, as a portal issuing a cohort sends.
Storage that stays within bounds keeps both per-badge time and RSS flat as the table grows:
the targets are RSS(10,000) / RSS(1,000) <= 1.5 and time per badge over the last 1,000 /
the first 1,000 <= 1.2.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from PIL import Image

from badgehub.domain.apikeys import hash_secret
from badgehub.runtime import wiring
from devplatform import local
from devplatform.gateway import Gateway, HttpRequest

ADMIN_KEY = "bench-admin-key"
HOST = "badges.bench"
BASE = f"https://{HOST}"
WINDOW = 1000
RSS_TARGET = 1.5
TIME_TARGET = 1.2
ENVIRONMENT = {
    "TABLE_NAME": "local",
    "PUBLIC_BUCKET": "local",
    "PUBLIC_BASE_URL": BASE,
    "ASSETS_BASE_URL": f"{BASE}/assets",
    "ADMIN_API_KEY_HASH": hash_secret(ADMIN_KEY),
    "POWERTOOLS_SERVICE_NAME": "bench",
    "POWERTOOLS_LOG_LEVEL": "WARNING",  # a log line per request would be the benchmark
    "POWERTOOLS_METRICS_DISABLED": "true",
}


def rss_mb() -> float:
    """Resident memory now (Linux), else the peak so far."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Client:
    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway

    def post(
        self, path: str, body: Any, token: str, headers: dict[str, str] | None = None
    ) -> dict[str, Any]:
        request = HttpRequest(
            "POST",
            path,
            {
                "host": HOST,
                "content-type": "application/json",
                "authorization": f"Bearer {token}",
                **(headers or {}),
            },
            json.dumps(body).encode(),
            HOST,
        )
        response = self.gateway.invoke(request)
        if response["statusCode"] != 201:
            raise RuntimeError(f"{path}: {response['statusCode']} {response.get('body')}")
        result: dict[str, Any] = json.loads(response["body"])
        return result


def png() -> str:
    out = io.BytesIO()
    Image.new("RGB", (128, 128), "teal").save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def setup(client: Client) -> tuple[str, str]:
    """An issuer, its API key and one badge: (badge id, API key)."""
    issuer = client.post(
        "/v1/issuers",
        {
            "name": "Bench University",
            "url": "https://bench.example.org",
            "email": "registry@bench.example.org",
        },
        ADMIN_KEY,
    )
    token = client.post(f"/v1/issuers/{issuer['id']}/api-keys", {}, ADMIN_KEY)["key"]
    badge = client.post(
        f"/v1/issuers/{issuer['id']}/badges",
        {
            "name": "Data Literacy",
            "description": "Reads, works with and argues from data.",
            "criteria": {"narrative": "Pass the data literacy module."},
            "image": png(),
        },
        token,
    )
    return badge["id"], token


def issue(client: Client, badge_id: str, token: str, n: int) -> tuple[float, float]:
    """One issue; returns its wall time and this process's CPU time, in seconds.

    On a shared machine other processes stretch the wall time; the CPU time shows what the
    request itself cost (without the fsyncs it waited for, which do not grow with the data).
    """
    body = {
        "recipient": {"email": f"learner-{n}@example.org", "name": f"Learner {n}"},
        "narrative": "Completed the module and its project with distinction.",
    }
    started, cpu = time.perf_counter(), time.process_time()
    client.post(
        f"/v1/badges/{badge_id}/assertions", body, token, {"Idempotency-Key": f"cohort-{n}"}
    )
    return time.perf_counter() - started, time.process_time() - cpu


def window(times: list[float], cpu: list[float]) -> str:
    return (
        f"wall mean {statistics.fmean(times) * 1000:.1f} ms "
        f"(median {statistics.median(times) * 1000:.1f}), "
        f"CPU mean {statistics.fmean(cpu) * 1000:.1f} ms"
    )


def ratio(values: list[float]) -> float:
    return statistics.fmean(values[-WINDOW:]) / statistics.fmean(values[:WINDOW])


def run(data_dir: Path, issues: int) -> bool:
    os.environ.update(ENVIRONMENT)
    os.environ.pop("CURSOR_SECRET", None)
    wiring.reset()
    local.install(data_dir)
    client = Client(Gateway())
    badge_id, token = setup(client)
    issue(client, badge_id, token, -1)  # warm-up: handler imports, contexts, key loading
    print(f"data in {data_dir}; RSS after set-up {rss_mb():.0f} MB", flush=True)
    times: list[float] = []
    cpu: list[float] = []
    rss_at: dict[int, float] = {}
    started = time.perf_counter()
    for n in range(issues):
        wall, used = issue(client, badge_id, token, n)
        times.append(wall)
        cpu.append(used)
        done = n + 1
        if done % WINDOW == 0:
            rss_at[done] = rss_mb()
            print(
                f"{done:>6} issued  last {WINDOW}: {window(times[-WINDOW:], cpu[-WINDOW:])}  "
                f"RSS {rss_at[done]:.0f} MB  ({time.perf_counter() - started:.0f} s)",
                flush=True,
            )
    table = data_dir / local.ports.TABLE_FILE
    sizes = {
        p.name: p.stat().st_size / 2**20 for p in data_dir.glob(f"{table.name}*") if p.is_file()
    }
    print("files: " + ", ".join(f"{name} {mb:.1f} MB" for name, mb in sorted(sizes.items())))
    print(f"peak RSS {peak_mb():.0f} MB")
    if issues < 2 * WINDOW:
        return True
    rss_ratio = rss_at[max(rss_at)] / rss_at[WINDOW]
    time_ratio, cpu_ratio = ratio(times), ratio(cpu)
    rss_ok, time_ok = rss_ratio <= RSS_TARGET, time_ratio <= TIME_TARGET
    print(
        f"RSS after {max(rss_at):,} / after {WINDOW:,}: {rss_ratio:.2f} "
        f"(target <= {RSS_TARGET}) {'ok' if rss_ok else 'MISSED'}"
    )
    print(
        f"time per badge, last {WINDOW:,} / first {WINDOW:,}: {time_ratio:.2f} "
        f"(target <= {TIME_TARGET}) {'ok' if time_ok else 'MISSED'}; CPU time {cpu_ratio:.2f}"
    )
    return rss_ok and time_ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=10 * WINDOW)
    parser.add_argument("--data-dir", type=Path, help="keep the data here (default: a temp dir)")
    args = parser.parse_args()
    if args.data_dir:
        return 0 if run(args.data_dir, args.issues) else 1
    with tempfile.TemporaryDirectory(prefix="badgehub-bench-") as tmp:
        return 0 if run(Path(tmp) / "data", args.issues) else 1


if __name__ == "__main__":
    sys.exit(main())
