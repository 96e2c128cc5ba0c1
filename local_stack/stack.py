"""The whole pipeline on one machine: `LocalStack(options).start()` / `.stop()`.

On loopback: a moto server (S3, SQS, DynamoDB, Secrets Manager) with the CDK app's
resources, the example Django host (migrated, seeded), the local Gemini-compatible
server unless `GEMINI_API_KEY` is set, the local API Gateway in front of the API and
authorizer handlers, SQS pollers for the worker and the regeneration trigger, and the
reaper's schedule (it also runs once on start, for the jobs the last stop left). The
handlers run in this process, reading their settings from the environment it sets, and
their secrets from Secrets Manager by ARN, as in AWS.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from infra import resource_spec as spec
from local_stack import local_resources
from local_stack.api_gateway import LocalApiGateway
from local_stack.gateway_config import CorsConfig, CustomResponse, GatewayConfig
from local_stack.lambda_runtime import LocalFunction
from local_stack.local_secrets import LocalSecrets, load_or_create
from local_stack.moto_server import LOCAL_CREDENTIALS, LocalMoto
from local_stack.persistence import Snapshots, SnapshotScope
from local_stack.pollers import EventSourceMapping, Schedule, SqsPoller
from local_stack.processes import ManagedProcess
from local_stack.routes import cdk_routes
from local_stack.web_server import WEB_DIST, LocalWebServer

if TYPE_CHECKING:
    from local_stack.aws_resources import Resources

log = logging.getLogger("local_stack.stack")

HANDLERS = "identity_images.handlers"
READY_MARKER = "local stack ready:"
#: In the data folder while the stack runs: the functions' environment (names, URLs,
#: secret ARNs; no secret values), for `make invoke` to act on this stack.
FUNCTIONS_ENVIRONMENT_FILE = "functions-environment.json"
ADMIN_LOGIN = ("admin", "admin-password")
#: On start nothing of the previous run holds a job: every job due within this (a day,
#: longer than any lease plus backoff) is settled at once, not after its lease.
LOCAL_RESTART_REACH_S = 86_400
#: How long a stop lets the invocations under way finish: a generation at 4K waits tens
#: of seconds for Gemini. One not finished by then is queued again at the next start.
POLLER_STOP_WAIT_S = 60.0
STAGE = "local"
# As in infra/api.py (both read infra.resource_spec): the gateway's own errors in the
# pipeline's error shape, CORS, throttling.
CDK_GATEWAY_RESPONSES = {
    name: CustomResponse(code, status=status)
    for name, (status, code) in spec.GATEWAY_RESPONSES.items()
}
CDK_CORS_HEADERS = spec.CORS_API_HEADERS
CDK_CORS_METHODS = spec.CORS_API_METHODS


#: What the CDK app sets on the functions beyond names and URLs: the worker's retry
#: budgets and job lease, the API's Django read budget. The handlers share this process's
#: settings, so where they differ the API's (the tightest) Django reads win: they fit
#: every function's timeout.
FUNCTION_ENVIRONMENT: dict[str, str] = {
    **spec.worker().environment,
    **spec.API.environment,
    # The reaper's grace after the job lease above, as the CDK app sets it.
    "REAPER_GRACE_S": str(spec.REAPER_GRACE_MINUTES * 60),
}


def local_functions(region: str) -> dict[str, LocalFunction]:
    """The five functions, with the CDK app's timeouts and memory."""
    specs = {
        "api": spec.API,
        "authorizer": spec.AUTHORIZER,
        "worker": spec.worker(),
        "trigger": spec.TRIGGER,
        "reaper": spec.REAPER,
    }
    return {
        name: LocalFunction(
            name,
            f"{HANDLERS}.{name}.handler",
            timeout_s=function.timeout_s,
            region=region,
            memory_mb=function.memory_mb,
            # The API as one Lambda instance: one invocation at a time (see `serial`).
            serial=name == "api",
        )
        for name, function in specs.items()
    }


def gateway_config(allowed_origins: tuple[str, ...], region: str) -> GatewayConfig:
    """The CDK app's stage: CORS, gateway responses, authorizer cache, throttling."""
    return GatewayConfig(
        stage=STAGE,
        region=region,
        cors=CorsConfig(
            allow_origins=allowed_origins,
            allow_headers=CDK_CORS_HEADERS,
            allow_methods=CDK_CORS_METHODS,
            max_age_s=spec.CORS_API_MAX_AGE_S,
        ),
        gateway_responses=CDK_GATEWAY_RESPONSES,
        authorizer_ttl_s=spec.AUTHORIZER_CACHE_S,
        throttling_rate_limit=spec.API_RATE_LIMIT,
        throttling_burst_limit=spec.API_BURST_LIMIT,
    )


def event_source_mappings(
    jobs_url: str, regeneration_url: str, region: str, *, worker_concurrency: int
) -> list[EventSourceMapping]:
    """The CDK app's two SQS event sources: batch sizes and the trigger's window."""
    local = local_functions(region)
    return [
        EventSourceMapping(
            jobs_url,
            local["worker"],
            batch_size=spec.WORKER_BATCH_SIZE,
            concurrency=worker_concurrency,
        ),
        EventSourceMapping(
            regeneration_url,
            local["trigger"],
            batch_size=spec.TRIGGER_BATCH_SIZE,
            max_batching_window_s=spec.TRIGGER_BATCHING_WINDOW_S,
        ),
    ]


def snapshot_scope(resources: Resources) -> SnapshotScope:
    """What a clean stop saves and the next start restores: the bucket, the two tables,
    the two queues, and their dead-letter queues, whose letters wait for an operator
    (`identity-images dead-letters`). Each dead-letter queue after the queue it takes
    from: the save's receive moves a message past its last allowed one there, to be
    saved with it."""
    return SnapshotScope(
        bucket=resources.bucket_name,
        tables=[resources.jobs_table_name, resources.idempotency_table_name],
        queue_urls=[
            resources.jobs_queue_url,
            resources.regeneration_queue_url,
            resources.jobs_dlq_url,
            resources.regeneration_dlq_url,
        ],
    )


@dataclass
class StackOptions:
    host: str = "127.0.0.1"
    api_port: int = 3000
    moto_port: int = 4566
    django_port: int = 8000
    gemini_port: int = 8765
    web_port: int = 5173
    web_dir: Path = WEB_DIST
    data_dir: Path = Path(".local-data")
    allowed_origins: tuple[str, ...] = ("http://localhost:5173",)
    gemini_api_key: str | None = field(default_factory=lambda: os.environ.get("GEMINI_API_KEY"))
    worker_concurrency: int = 2
    persist: bool = True
    # Seconds the local Gemini stand-in waits before each answer (the model's latency).
    gemini_answer_delay_s: float = 0.0


class PortInUseError(RuntimeError):
    pass


class LocalStack:
    """Everything `identity-images serve` runs, startable and stoppable from code."""

    def __init__(self, options: StackOptions) -> None:
        self.options = options
        self.data_dir = options.data_dir.resolve()
        self.moto = LocalMoto(options.host, options.moto_port)
        self.gateway: LocalApiGateway | None = None
        self.web: LocalWebServer | None = None
        self.pollers: list[SqsPoller] = []
        self.schedules: list[Schedule] = []
        self.processes: list[ManagedProcess] = []
        self.snapshots: Snapshots | None = None
        self.scope: SnapshotScope | None = None
        self.secrets: LocalSecrets | None = None
        # What this instance wrote to `_environment_file`, for `stop` to remove: a stack
        # that failed to start (a port taken by the stack that runs) must leave that
        # stack's file, which `make invoke` reads.
        self._environment_written: str | None = None
        self._stopped = threading.Event()

    # --- URLs ----------------------------------------------------------------------------
    def _url(self, port: int) -> str:
        return f"http://{self.options.host}:{port}"

    @property
    def api_url(self) -> str:
        return self._url(self.options.api_port)

    @property
    def django_url(self) -> str:
        return self._url(self.options.django_port)

    @property
    def web_url(self) -> str:
        return self._url(self.options.web_port)

    @property
    def browser_origins(self) -> tuple[str, ...]:
        """The configured origins plus the served Images tab's own (CORS of API and bucket)."""
        port = self.options.web_port
        own = (self.web_url, f"http://localhost:{port}", f"http://127.0.0.1:{port}")
        return tuple(dict.fromkeys((*self.options.allowed_origins, *own)))

    @property
    def gemini_url(self) -> str | None:
        return None if self.options.gemini_api_key else self._url(self.options.gemini_port)

    # --- start ---------------------------------------------------------------------------
    def start(self) -> None:
        self._check_ports()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.secrets = load_or_create(self.data_dir)
        self.moto.start()
        try:
            self._start_rest()
        except BaseException:
            self.stop(save=False)
            raise

    def _start_rest(self) -> None:
        assert self.secrets is not None
        sm = self.moto.client("secretsmanager")
        arns = local_resources.ensure_secrets(sm, self._secret_values())
        functions_environment = self._lambda_environment(arns)
        os.environ.update(functions_environment)
        _forget_cached_settings()

        from identity_images.settings import get_settings
        from local_stack import aws_resources

        settings = get_settings()
        resources = aws_resources.create_all(settings)
        regeneration_url = resources.regeneration_queue_url
        os.environ.update(resources.environment())
        _forget_cached_settings()
        functions_environment.update(resources.environment())
        self._environment_written = json.dumps(functions_environment, indent=2)
        self._environment_file.write_text(self._environment_written)
        s3, sqs = self.moto.client("s3"), self.moto.client("sqs")
        self.scope = snapshot_scope(resources)
        self.snapshots = Snapshots(self.data_dir, s3, self.moto.client("dynamodb"), sqs)
        if self.options.persist:
            # Before the notification: restored references must not regenerate anything.
            self.snapshots.restore(self.scope)
        # Before the pollers: a job a worker claims from now on is held for real.
        self._recover_jobs_in_flight()
        local_resources.notify_queue_of_references(
            s3,
            resources.bucket_name,
            local_resources.queue_arn(sqs, regeneration_url),
            settings.bucket_layout,
        )
        local_resources.allow_browser_uploads(s3, resources.bucket_name, self.browser_origins)

        self._start_django(resources.bucket_name, settings.bucket_prefix)
        if self.gemini_url:
            self._start_gemini()
        self._start_gateway(settings.aws_region)
        self._start_web()
        self._start_pollers(resources.jobs_queue_url, regeneration_url, settings.aws_region)
        self._start_schedules(settings.aws_region)

    def _check_ports(self) -> None:
        o = self.options
        ports = {
            "api": o.api_port,
            "moto": o.moto_port,
            "django": o.django_port,
            "web": o.web_port,
        }
        if not o.gemini_api_key:
            ports["gemini"] = o.gemini_port
        for name, port in ports.items():
            with socket.socket() as probe:
                # As the servers themselves do: connections of a stack stopped a moment
                # ago linger in TIME_WAIT, and must not make the port look taken.
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    probe.bind((o.host, port))
                except OSError as exc:
                    raise PortInUseError(
                        f"port {port} ({name}) on {o.host} is taken; pick another with "
                        f"--{name}-port"
                    ) from exc

    def _secret_values(self) -> dict[str, str]:
        assert self.secrets is not None
        return {
            "identity-images/jwt-secret": self.secrets.jwt_secret,
            "identity-images/django-service-token": self.secrets.django_service_token,
            "identity-images/webhook-secret": self.secrets.webhook_secret,
            "identity-images/gemini-api-key": self.options.gemini_api_key or "local-offline-key",
        }

    def _aws_environment(self) -> dict[str, str]:
        return {
            "AWS_ENDPOINT_URL": self.moto.endpoint_url,
            "AWS_REGION": "us-east-1",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": LOCAL_CREDENTIALS["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": LOCAL_CREDENTIALS["aws_secret_access_key"],
        }

    def _lambda_environment(self, arns: dict[str, str]) -> dict[str, str]:
        """What the CDK app sets on the functions, pointed at the local servers."""
        env = {
            **self._aws_environment(),
            "JWT_SECRET_ARN": arns["identity-images/jwt-secret"],
            "DJANGO_SERVICE_TOKEN_SECRET_ARN": arns["identity-images/django-service-token"],
            "WEBHOOK_SECRET_ARN": arns["identity-images/webhook-secret"],
            "GEMINI_API_KEY_SECRET_ARN": arns["identity-images/gemini-api-key"],
            "DJANGO_INTERNAL_URL": f"{self.django_url}/internal/identity-images",
            "DJANGO_INTROSPECT_URL": f"{self.django_url}/api/v1/users/me/",
            "ALLOWED_ORIGINS": ",".join(self.browser_origins),
            "POWERTOOLS_SERVICE_NAME": "identity-images",
            "POWERTOOLS_METRICS_NAMESPACE": "IdentityImages",
            "POWERTOOLS_METRICS_DISABLED": "true",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_LOG_LEVEL": os.environ.get("POWERTOOLS_LOG_LEVEL", "INFO"),
            **FUNCTION_ENVIRONMENT,
        }
        if self.gemini_url:
            env["GEMINI_BASE_URL"] = self.gemini_url
        # With a key, a GEMINI_BASE_URL already set (a gateway, a proxy) stays as it is.
        # Plain values would win over nothing, but must not shadow the ARNs' values.
        for name in ("JWT_SECRET", "DJANGO_SERVICE_TOKEN", "WEBHOOK_SECRET", "GEMINI_API_KEY"):
            os.environ.pop(name, None)
        return env

    def _start_django(self, bucket: str, bucket_prefix: str) -> None:
        assert self.secrets is not None
        env = {
            **os.environ,
            **self._aws_environment(),
            "DJANGO_SETTINGS_MODULE": "example_host.settings",
            "DATABASE_PATH": str(self.data_dir / "example_host.sqlite3"),
            "DJANGO_SECRET_KEY": self.secrets.django_secret_key,
            "JWT_SECRET": self.secrets.jwt_secret,
            "DJANGO_SERVICE_TOKEN": self.secrets.django_service_token,
            "WEBHOOK_SECRET": self.secrets.webhook_secret,
            "BUCKET_NAME": bucket,
            "BUCKET_PREFIX": bucket_prefix,
            # The identities' image URLs the Images tab shows (copy mode: its MEDIA_URL).
            "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL") or self.django_url,
            "PYTHONUNBUFFERED": "1",
        }
        django = ManagedProcess(
            "django",
            # DEBUG stays off (DJANGO_DEBUG unset): its HTML pages must not reach the pipeline.
            [sys.executable, "-m", "django", "runserver", "--noreload", self._hostport("django")],
            env=env,
            log_path=self.data_dir / "logs" / "django.log",
        )
        django.run_to_end([sys.executable, "-m", "django", "migrate", "--noinput"])
        django.run_to_end([sys.executable, "-m", "django", "seed_identity_images"])
        django.start()
        self.processes.append(django)
        django.wait_until_http(f"{self.django_url}/api/v1/users/me/")

    def _start_gemini(self) -> None:
        gemini = ManagedProcess(
            "gemini",
            [
                sys.executable,
                "-m",
                "local_stack.gemini_server",
                "--host",
                self.options.host,
                "--port",
                str(self.options.gemini_port),
                "--answer-delay",
                str(self.options.gemini_answer_delay_s),
            ],
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            log_path=self.data_dir / "logs" / "gemini.log",
        )
        gemini.start()
        self.processes.append(gemini)
        gemini.wait_until_http(f"{self.gemini_url}/_local/stats")

    def _hostport(self, name: str) -> str:
        return f"{self.options.host}:{getattr(self.options, f'{name}_port')}"

    def _start_gateway(self, region: str) -> None:
        local = local_functions(region)
        self.gateway = LocalApiGateway(
            api=local["api"],
            authorizer=local["authorizer"],
            routes=cdk_routes(),
            config=gateway_config(self.browser_origins, region),
        )
        self.gateway.start(self.options.host, self.options.api_port)

    def _start_web(self) -> None:
        self.web = LocalWebServer(
            self.options.web_dir, api_base_url=f"{self.api_url}/v1", django_url=self.django_url
        )
        if not self.web.built:
            log.warning("web/dist is not built: run `make web-build` to serve the Images tab")
        self.web.start(self.options.host, self.options.web_port)

    def _start_pollers(self, jobs_url: str, regeneration_url: str, region: str) -> None:
        mappings = event_source_mappings(
            jobs_url, regeneration_url, region, worker_concurrency=self.options.worker_concurrency
        )
        for mapping in mappings:
            poller = SqsPoller(mapping, self.moto.client("sqs", region), region)
            poller.start()
            self.pollers.append(poller)

    def _recover_jobs_in_flight(self) -> None:
        """Messages in flight at the last stop are lost (see `local_stack.persistence`):
        every job left queued, running or with an apply pending is queued again (tries
        left) or failed `worker_gave_up`, and the dead letters are settled. A job whose
        message was restored gets a second one; the claim lets only one run it."""
        from identity_images.logic.reaper import build_reaper
        from identity_images.settings import get_settings

        reaper = build_reaper(get_settings())
        outcomes = reaper.run(grace_s=-LOCAL_RESTART_REACH_S).outcomes
        if outcomes:
            log.info("jobs in flight at the last stop: %s", [o.value for o in outcomes])

    def _start_schedules(self, region: str) -> None:
        from local_stack.aws_resources import REAPER_INTERVAL_S

        reaper = Schedule("reaper", local_functions(region)["reaper"], REAPER_INTERVAL_S, region)
        reaper.start()
        self.schedules.append(reaper)

    # --- stop ----------------------------------------------------------------------------
    def invocations_running(self) -> int:
        """The function invocations under way (a worker's waits for Gemini), which `stop`
        lets finish."""
        return sum(poller.invocations_running for poller in self.pollers)

    def stop(self, *, save: bool = True, give_up: threading.Event | None = None) -> None:
        """Stop pollers and gateway, save state, stop Django, Gemini and moto. Idempotent.

        The invocations under way finish first, for up to `POLLER_STOP_WAIT_S`, or until
        `give_up` is set: the next start queues their jobs again."""
        if self._stopped.is_set():
            return
        self._stopped.set()
        for schedule in self.schedules:
            schedule.stop()
        # All stop taking messages at once, then one wait for what they have under way.
        for poller in self.pollers:
            poller.begin_stop()
        deadline = time.monotonic() + POLLER_STOP_WAIT_S
        for poller in self.pollers:
            poller.join(deadline, give_up)
        if self.gateway is not None:
            self.gateway.stop()
        if self.web is not None:
            self.web.stop()
        if save and self.options.persist and self.snapshots and self.scope:
            try:
                self.snapshots.save(self.scope)
            except Exception:
                log.exception("could not save the local state")
        for process in reversed(self.processes):
            process.stop()
        self._forget_environment_file()
        self.moto.stop()

    def _forget_environment_file(self) -> None:
        """Remove the functions' environment this instance wrote, if it is still there."""
        if self._environment_written is None:
            return
        try:
            if self._environment_file.read_text() == self._environment_written:
                self._environment_file.unlink()
        except FileNotFoundError:
            pass

    @property
    def _environment_file(self) -> Path:
        return self.data_dir / FUNCTIONS_ENVIRONMENT_FILE

    # --- what to print -------------------------------------------------------------------
    def banner(self) -> str:
        user, password = ADMIN_LOGIN
        gemini = (
            f"local stand-in on {self.gemini_url} (set GEMINI_API_KEY for the real one)"
            if self.gemini_url
            else "the real Gemini API (GEMINI_API_KEY is set)"
        )
        login = json.dumps({"username": user, "password": password})
        api, django = self.api_url, self.django_url
        return f"""
Identity images: the local stack is running.

  Images tab   {self.web_url}/images   (log in as {user} / {password})
  API          {api}/v1   (API Gateway stand-in, admin authorizer in front)
  Django host  {django}   (admin login: {user} / {password})
  AWS (moto)   {self.moto.endpoint_url}
  Gemini       {gemini}
  Data         {self.data_dir}   (kept across restarts; logs in logs/)

Try it (bash):
  API={api}/v1
  JSON='Content-Type: application/json'
  TOKEN=$(curl -s -X POST {django}/api/v1/auth/token/ -H "$JSON" -d '{login}' \\
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["access"])')
  AUTH="Authorization: Bearer $TOKEN"
  curl -s $API/users -H "$AUTH"                          # you and the test users
  curl -s $API/users/<user_id>/identities -H "$AUTH"     # pick an identity
  curl -s -X POST $API/uploads -H "$AUTH" -H "$JSON" \\
    -d '{{"files": [{{"content_type": "image/jpeg", "size": 123456}}]}}'
  # upload the photo with its form: curl -F <each field>=<value> ... -F file=@photo.jpg <url>
  curl -s -X POST $API/generations -H "$AUTH" -H "$JSON" -d '{{"identity_id": "<id>",
    "user_id": "<user_id>", "reference_keys": ["<key>"], "image_size": "1K", "apply": true}}'
  curl -s $API/generations/<generation_id> -H "$AUTH"    # until "succeeded"; output.url

Ctrl-C stops everything.
"""


def _forget_cached_settings() -> None:
    """The handlers' settings and clients are read once per process; read them again."""
    from identity_images.adapters import aws
    from identity_images.settings import get_settings

    get_settings.cache_clear()
    aws.reset_clients()
