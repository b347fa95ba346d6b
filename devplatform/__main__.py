"""`python -m devplatform`: run the whole platform locally and print where to open it."""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import sys
import threading
from pathlib import Path

from . import demo, template
from .platform import LocalPlatform
from .pool import PoolConfig

DATA_DIR = template.ROOT / ".local" / "data"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "3000")))
    parser.add_argument("--no-seed", action="store_true", help="skip the demo issuer and badge")
    parser.add_argument("--info-file", type=Path, help="write the URLs and keys as JSON here")
    parser.add_argument(
        "--http",
        action="store_true",
        help="plain http instead of https with the local CA (did:web DIDs cannot resolve then)",
    )
    parser.add_argument(
        "--template", type=Path, default=template.TEMPLATE, help="the SAM template to run"
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="warm worker processes per function (default 2)"
    )
    parser.add_argument(
        "--max-workers",
        type=int,
        help="worker processes per function when all are busy (default: twice --workers)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=DATA_DIR,
        help="where the platform keeps its data across restarts (default .local/data)",
    )
    parser.add_argument(
        "--fresh", action="store_true", help="start from empty: delete what --data-dir holds"
    )
    parser.add_argument(
        "--sync",
        choices=["full", "normal"],
        default="full",
        help=(
            "full (default): every answered write is on disk, through a power cut too; normal:"
            " faster, every write survives any crash of the platform, but an OS crash or power"
            " cut may lose the last seconds"
        ),
    )
    parser.add_argument(
        "--in-memory",
        action="store_true",
        help="keep nothing: moto's in-memory services instead of the data directory",
    )
    args = parser.parse_args()

    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    admin_key = os.environ.get("ADMIN_API_KEY") or secrets.token_urlsafe(32)
    workers = max(args.workers, 1)
    platform = LocalPlatform(
        port=args.port,
        admin_api_key=admin_key,
        https=not args.http,
        template_path=args.template.resolve(),
        pool=PoolConfig(workers=workers, max_workers=max(args.max_workers or 2 * workers, workers)),
        data_dir=None if args.in_memory else args.data_dir.resolve(),
        synchronous=args.sync.upper(),
    )
    if args.fresh and platform.data_dir is not None:
        from . import local

        local.reset(platform.data_dir)
    try:
        platform.start()
        if stopped.is_set():
            return 0
        info: dict[str, object] = {**platform.describe(), "admin_api_key": platform.admin_api_key}
        if not args.no_seed:
            info["demo"] = demo.seed_once(
                platform.base_url, platform.admin_api_key, platform.ca_file, platform.data_dir
            )
        info["data_dir"] = str(platform.data_dir) if platform.data_dir else None
        if args.info_file:
            partial = args.info_file.with_suffix(".partial")
            partial.write_text(json.dumps(info, indent=2))
            partial.replace(args.info_file)  # atomic: readers never see half a file
        print(_banner(info), flush=True)
        stopped.wait()
    finally:
        platform.stop()
    print("stopped", flush=True)
    return 0


def _banner(info: dict[str, object]) -> str:
    base = info["base_url"]
    lines = [
        "",
        "Open Badges platform running locally",
        f"  base URL        {base}",
        f"  health          {base}/health",
        f"  admin API key   {info['admin_api_key']}",
        f"  mailbox         {base}/_local/mail",
        f"  data            {info.get('data_dir') or 'in memory (gone when it stops)'}",
    ]
    if info.get("ca_file"):
        lines += [
            f"  local CA        {info['ca_file']}",
            f"                  (trust it: export CURL_CA_BUNDLE={info['ca_file']}"
            f" REQUESTS_CA_BUNDLE={info['ca_file']})",
        ]
    seeded = info.get("demo")
    if isinstance(seeded, dict):
        lines += [
            f"  demo issuer     {seeded['issuer']['links']['profile']}",
            f"  demo badge      {seeded['badge']['links']['badge']}",
            f"  demo badge id   {seeded['badge']['id']}",
            f"  issuer API key  {seeded['api_key']}",
            "",
            "Issue a badge:",
            f"  curl -s -X POST {base}/v1/badges/{seeded['badge']['id']}/assertions \\",
            f"    -H 'Authorization: Bearer {seeded['api_key']}' \\",
            "    -H 'Content-Type: application/json' \\",
            """    -d '{"recipient": {"email": "ada@example.org", "name": "Ada"}}'""",
        ]
    lines += ["", "Ctrl-C stops it."]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
