"""Starts the whole platform on 127.0.0.1: moto (a process of its own), the template's
resources, a pool of worker processes per function, the front, and the template's schedules
and queues."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import resources, template, tls
from .assets import AssetSource, FileAssetSource, S3AssetSource
from .emulator import MotoServer
from .front import Front, FrontConfig, FrontServer, LoopThread
from .gateway import Router
from .lambda_runtime import aws_endpoint_init
from .notifications import BucketNotices, connect
from .pool import FunctionPool, InvocationError, PoolConfig, WorkerInit, stop_all
from .queues import QueueDelivery
from .schedules import Scheduler, parse, scheduled_event
from .template import ROOT, Schedule

LOCAL_DIR = ROOT / ".local"

HOST = "127.0.0.1"
REGION = "us-east-1"
PUBLIC_BUCKET = "PublicBucket"  # the bucket whose objects the front serves at /_local/assets
# What a worker keeps of the front's own environment: enough for a process to run, no more.
_PROCESS_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ")
log = logging.getLogger("devplatform")


def local_secret(name: str) -> str:
    """A random secret made once under `.local/` (the deployment gets it from Secrets Manager)."""
    path = LOCAL_DIR / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def default_max_body_bytes() -> int:
    """MAX_BODY_BYTES as the platform runs with it; unset, the handlers' own default."""
    from badgehub.runtime.settings import Settings

    configured = os.environ.get("MAX_BODY_BYTES")
    return int(configured) if configured else int(Settings.model_fields["max_body_bytes"].default)


@dataclass
class LocalPlatform:
    port: int = 3000
    admin_api_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    names: resources.LocalNames = resources.DEFAULT_NAMES
    https: bool = True
    tls_dir: Path = tls.DEFAULT_DIR
    template_path: Path = template.TEMPLATE
    pool: PoolConfig = field(default_factory=PoolConfig)
    front_config: FrontConfig | None = None  # None: the defaults, with MAX_BODY_BYTES
    # Called first in every worker process: where handlers' storage comes from.
    worker_init: WorkerInit = aws_endpoint_init
    # Where /_local/assets reads from; None: the template's public bucket on moto's S3.
    assets: AssetSource | None = None
    # Where the data lives: the local adapters on this directory (kept across restarts), or
    # None for moto's in-memory services (gone when the platform stops).
    data_dir: Path | None = None
    # The local table's durability mode: "FULL" (survives a power cut) or "NORMAL" (faster;
    # survives any crash of the platform, may forget the last commits after an OS crash).
    synchronous: str = "FULL"
    ca_file: str = ""
    base_url: str = ""
    aws_endpoint: str = ""
    _moto: MotoServer | None = None
    _loop: LoopThread | None = None
    _io: ThreadPoolExecutor | None = None
    _server: FrontServer | None = None
    _pools: dict[str, FunctionPool] = field(default_factory=dict)
    _scheduler: Scheduler | None = None
    _deliveries: list[QueueDelivery] = field(default_factory=list)
    _notices: list[BucketNotices] = field(default_factory=list)

    def start(self) -> LocalPlatform:
        """Everything up and `/health` answering; on any failure, whatever started is stopped."""
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        source = template.read(self.template_path)
        schedules = [s for s in source.schedules() if s.enabled]
        for schedule in schedules:  # refuse what we cannot run before anything starts
            parse(schedule.expression, schedule.timezone)
        mailbox = None
        private = None
        if self.data_dir is not None:
            from . import local

            local.claim(self.data_dir)
            store = local.blob_store(self.data_dir)
            self.worker_init = functools.partial(local.install, self.data_dir, self.synchronous)
            self.assets = FileAssetSource(store.path_of, store.content_type_of)
            mailbox = local.mailbox(self.data_dir)
            private = local.private_store(self.data_dir)
        self._moto = MotoServer(HOST)  # queues and events; tables and keys too without a data_dir
        self.aws_endpoint = self._moto.start()
        config = self.front_config or FrontConfig(max_body_bytes=default_max_body_bytes())
        local_tls = tls.ensure(self.tls_dir) if self.https else None
        self._loop = LoopThread()
        self._server = FrontServer(
            self._loop,
            config,
            self.port,
            local_tls.cert_file if local_tls else None,
            local_tls.key_file if local_tls else None,
        )
        self.port = self._server.port
        self.ca_file = str(local_tls.ca_file) if local_tls else ""
        self.base_url = f"{'https' if local_tls else 'http'}://{HOST}:{self.port}"
        refs = resources.create_all(
            self.names,
            REGION,
            source,
            parameters=self._parameters(),
            endpoint_url=self.aws_endpoint,
        )
        if self.assets is None and PUBLIC_BUCKET in source.resources("AWS::S3::Bucket"):
            self.assets = S3AssetSource(self.names.ref(PUBLIC_BUCKET), self.aws_endpoint, REGION)
        functions = source.functions()
        self._io = ThreadPoolExecutor(
            # a thread per worker that can exist at once (self-calls may double a pool), to spare
            max_workers=len(functions) * 2 * self.pool.max_workers + 4,
            thread_name_prefix="worker-io",
        )
        for function in functions:
            env = self._environment(function, refs)
            self._pools[function.logical_id] = FunctionPool(
                function, env, self.worker_init, self.pool, self._io
            )
        self._loop.run(self._warm())
        caps = {
            f.logical_id: int(f.environment["MAX_BODY_BYTES"])
            for f in functions
            if str(f.environment.get("MAX_BODY_BYTES", "")).isdigit()
        }
        app = Front(
            Router(source.routes(), source.default_route()),
            self._pools,
            config,
            caps,
            self.assets,
            lambda: self._run_schedules(schedules),
            mailbox,
            private,
        )
        self._server.start(app)
        self._scheduler = Scheduler(schedules, self._fire)
        self._scheduler.start()
        self._start_deliveries(source, refs)
        self._start_notices(source, refs)

    async def _warm(self) -> None:
        await asyncio.gather(*(p.warm() for p in self._pools.values()))

    def _parameters(self) -> dict[str, str]:
        from badgehub.domain.apikeys import hash_secret

        return {"PublicBaseUrl": self.base_url, "AdminApiKeyHash": hash_secret(self.admin_api_key)}

    def _aws_environment(self) -> dict[str, str]:
        return {
            "AWS_ENDPOINT_URL": self.aws_endpoint,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
        }

    def _environment(self, function: template.Function, refs: resources.Refs) -> dict[str, str]:
        """What the function's worker sees: the process basics, the local AWS, the template's
        variables for this function only, and the local platform's few deviations."""
        env = {k: os.environ[k] for k in _PROCESS_VARIABLES if k in os.environ}
        env.update(self._aws_environment())
        env.update(resources.function_environment(function, refs))
        deviations = {
            # moto has no Ed25519 KMS keys and re-hashes DIGEST messages.
            "ED25519_KEY_SERVICE": "secretsmanager",
            "KMS_SIGN_DIGEST": "false",
        }
        env.update({k: v for k, v in deviations.items() if k in function.environment})
        if os.environ.get("ALLOW_LOCAL_WEBHOOKS") == "1":
            # Webhooks to receivers on this machine; template.yaml never sets it.
            env["ALLOW_LOCAL_WEBHOOKS"] = "1"
        if "APP_SECRET_ARN" in function.environment:
            # Deployed, read from Secrets Manager at first use; here a secret kept under .local/.
            env["APP_SECRET"] = local_secret("app-secret")
        if self.assets is not None:
            env["ASSETS_BASE_URL"] = f"{self.base_url}/_local/assets"
        if self.ca_file:
            env["VERIFY_EXTRA_CA_FILE"] = self.ca_file  # so it can fetch its own https URLs
        return env

    def _fire(self, schedule: Schedule, moment: datetime) -> None:
        """From the scheduler's thread: hand the invocation to the loop, do not wait for it."""
        assert self._loop is not None
        future = asyncio.run_coroutine_threadsafe(
            self._pools[schedule.function].invoke(scheduled_event(schedule, moment)),
            self._loop.loop,
        )

        def report(done: Any) -> None:
            if done.exception():
                log.error("%s.%s failed: %s", schedule.function, schedule.name, done.exception())

        future.add_done_callback(report)

    async def _run_schedules(self, schedules: list[Schedule]) -> list[dict[str, Any]]:
        """`POST /_local/schedules/run`: every schedule once, together; a summary of each."""

        async def one(schedule: Schedule) -> dict[str, Any]:
            started = time.perf_counter()
            summary: dict[str, Any] = {
                "function": schedule.function,
                "event": schedule.name,
                "schedule": schedule.expression,
            }
            try:
                await self._pools[schedule.function].invoke(
                    scheduled_event(schedule, datetime.now(UTC))
                )
                summary["status"] = "ok"
            except InvocationError as error:
                summary.update(status="error", error=str(error))
            summary["ms"] = round((time.perf_counter() - started) * 1000, 1)
            return summary

        return list(await asyncio.gather(*(one(s) for s in schedules)))

    def _start_deliveries(self, source: template.Template, refs: resources.Refs) -> None:
        events = source.queue_events()
        if not events:
            return
        sqs = resources.client("sqs", REGION, self.aws_endpoint)
        loop = self._loop
        assert loop is not None
        for event in events:
            function_pool = self._pools[event.function]

            def invoke(payload: dict[str, Any], target: FunctionPool = function_pool) -> Any:
                return loop.run(target.invoke(payload))

            # Lambda scales pollers up to the mapping's MaximumConcurrency; here, to the
            # function's warm workers (no more can run at once without a cold start).
            pollers = min(event.max_concurrency or self.pool.workers, self.pool.workers)
            delivery = QueueDelivery(
                event,
                sqs,
                refs.ref(event.queue),
                refs.get_att(event.queue, "Arn"),
                invoke,
                REGION,
                pollers,
            )
            delivery.start()
            self._deliveries.append(delivery)

    def _start_notices(self, source: template.Template, refs: resources.Refs) -> None:
        """The template's `S3` events: each bucket's notices to its functions (notifications)."""
        events = source.bucket_events()
        if not events:
            return
        s3 = resources.client("s3", REGION, self.aws_endpoint)
        sqs = resources.client("sqs", REGION, self.aws_endpoint)
        loop = self._loop
        assert loop is not None
        for bucket in sorted({e.bucket for e in events}):
            queues = connect(
                s3,
                sqs,
                refs.ref(bucket),
                [e for e in events if e.bucket == bucket],
                lambda e: self.names.ref(f"{e.function}{e.name}Notices"),
            )
            for event, url in queues.items():
                function_pool = self._pools[event.function]

                def invoke(payload: dict[str, Any], target: FunctionPool = function_pool) -> Any:
                    return loop.run(target.invoke(payload))

                notices = BucketNotices(event, sqs, url, invoke)
                notices.start()
                self._notices.append(notices)

    def stop(self) -> None:
        """Stops taking work, then every worker (none is left behind), then moto."""
        for delivery in self._deliveries:
            delivery.stop()
        self._deliveries.clear()
        for notices in self._notices:
            notices.stop()
        self._notices.clear()
        if self._scheduler:
            self._scheduler.stop()
            self._scheduler = None
        if self._server:
            self._server.stop()
            self._server = None
        stop_all()
        self._pools.clear()
        if self._loop:
            self._loop.stop()
            self._loop = None
        if self._io:
            self._io.shutdown(wait=False, cancel_futures=True)
            self._io = None
        if self._moto:
            self._moto.stop()
            self._moto = None

    def worker_pids(self) -> dict[str, list[int]]:
        return {name: function_pool.pids for name, function_pool in self._pools.items()}

    def describe(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "aws_endpoint": self.aws_endpoint,
            "ca_file": self.ca_file or None,
            "pid": os.getpid(),
            "workers": self.worker_pids(),
            "emulator_pid": self._moto.pid if self._moto else None,
        }
