"""The whole pipeline on one machine: `LocalStack(options).start()` / `.stop()`.

On loopback: a moto server (S3, SQS, DynamoDB, Secrets Manager) with the CDK app's
resources, the example Django host (migrated, seeded), the local Gemini-compatible
server unless `GEMINI_API_KEY` is set, the local API Gateway in front of the API and
authorizer handlers, and SQS pollers for the worker and the regeneration trigger. The
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
from dataclasses import dataclass, field
from pathlib import Path

from local_stack import local_resources
from local_stack.api_gateway import CorsConfig, CustomResponse, GatewayConfig, LocalApiGateway
from local_stack.lambda_runtime import LocalFunction
from local_stack.local_secrets import LocalSecrets, load_or_create
from local_stack.moto_server import LOCAL_CREDENTIALS, LocalMoto
from local_stack.persistence import Snapshots, SnapshotScope
from local_stack.pollers import EventSourceMapping, SqsPoller
from local_stack.processes import ManagedProcess
from local_stack.routes import cdk_routes

log = logging.getLogger("local_stack.stack")

HANDLERS = "identity_images.handlers"
READY_MARKER = "local stack ready:"
ADMIN_LOGIN = ("admin", "admin-password")
STAGE = "local"
# As in infra/api.py: the gateway's own errors in the pipeline's error shape.
CDK_GATEWAY_RESPONSES = {
    "UNAUTHORIZED": CustomResponse("unauthorized"),
    "ACCESS_DENIED": CustomResponse("forbidden"),
    "MISSING_AUTHENTICATION_TOKEN": CustomResponse("not_found", status=404),
    "DEFAULT_4XX": CustomResponse("validation_error"),
    "DEFAULT_5XX": CustomResponse("internal_error"),
}
CDK_CORS_HEADERS = ("Authorization", "Content-Type", "Idempotency-Key")
CDK_CORS_METHODS = ("GET", "POST", "DELETE", "OPTIONS")


@dataclass
class StackOptions:
    host: str = "127.0.0.1"
    api_port: int = 3000
    moto_port: int = 4566
    django_port: int = 8000
    gemini_port: int = 8765
    data_dir: Path = Path(".local-data")
    allowed_origins: tuple[str, ...] = ("http://localhost:5173",)
    gemini_api_key: str | None = field(default_factory=lambda: os.environ.get("GEMINI_API_KEY"))
    worker_concurrency: int = 2
    persist: bool = True


class PortInUseError(RuntimeError):
    pass


class LocalStack:
    """Everything `identity-images serve` runs, startable and stoppable from code."""

    def __init__(self, options: StackOptions) -> None:
        self.options = options
        self.data_dir = options.data_dir.resolve()
        self.moto = LocalMoto(options.host, options.moto_port)
        self.gateway: LocalApiGateway | None = None
        self.pollers: list[SqsPoller] = []
        self.processes: list[ManagedProcess] = []
        self.snapshots: Snapshots | None = None
        self.scope: SnapshotScope | None = None
        self.secrets: LocalSecrets | None = None
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
        os.environ.update(self._lambda_environment(arns))
        _forget_cached_settings()

        from identity_images.settings import get_settings
        from local_stack import aws_resources

        settings = get_settings()
        resources = aws_resources.create_all(settings)
        regeneration_url = resources.regeneration_queue_url
        os.environ.update(resources.environment())
        _forget_cached_settings()
        s3, sqs = self.moto.client("s3"), self.moto.client("sqs")
        queues = [resources.jobs_queue_url, regeneration_url]
        self.scope = SnapshotScope(
            bucket=resources.bucket_name,
            tables=[resources.jobs_table_name, resources.idempotency_table_name],
            queue_urls=queues,
        )
        self.snapshots = Snapshots(self.data_dir, s3, self.moto.client("dynamodb"), sqs)
        if self.options.persist:
            # Before the notification: restored references must not regenerate anything.
            self.snapshots.restore(self.scope)
        local_resources.notify_queue_of_references(
            s3,
            resources.bucket_name,
            local_resources.queue_arn(sqs, regeneration_url),
            settings.bucket_layout,
        )
        local_resources.allow_browser_uploads(
            s3, resources.bucket_name, self.options.allowed_origins
        )

        self._start_django(resources.bucket_name, settings.bucket_prefix)
        if self.gemini_url:
            self._start_gemini()
        self._start_gateway(settings.aws_region)
        self._start_pollers(resources.jobs_queue_url, regeneration_url, settings.aws_region)

    def _check_ports(self) -> None:
        o = self.options
        ports = {"api": o.api_port, "moto": o.moto_port, "django": o.django_port}
        if not o.gemini_api_key:
            ports["gemini"] = o.gemini_port
        for name, port in ports.items():
            with socket.socket() as probe:
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
            "ALLOWED_ORIGINS": ",".join(self.options.allowed_origins),
            "POWERTOOLS_SERVICE_NAME": "identity-images",
            "POWERTOOLS_METRICS_NAMESPACE": "IdentityImages",
            "POWERTOOLS_METRICS_DISABLED": "true",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_LOG_LEVEL": os.environ.get("POWERTOOLS_LOG_LEVEL", "INFO"),
        }
        if self.gemini_url:
            env["GEMINI_BASE_URL"] = self.gemini_url
        else:
            os.environ.pop("GEMINI_BASE_URL", None)
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
            "PYTHONUNBUFFERED": "1",
        }
        django = ManagedProcess(
            "django",
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
        self.gateway = LocalApiGateway(
            api=LocalFunction("api", f"{HANDLERS}.api.handler", timeout_s=29, region=region),
            authorizer=LocalFunction(
                "authorizer", f"{HANDLERS}.authorizer.handler", timeout_s=10, region=region
            ),
            routes=cdk_routes(),
            config=GatewayConfig(
                stage=STAGE,
                region=region,
                cors=CorsConfig(
                    allow_origins=self.options.allowed_origins,
                    allow_headers=CDK_CORS_HEADERS,
                    allow_methods=CDK_CORS_METHODS,
                    max_age_s=3600,
                ),
                gateway_responses=CDK_GATEWAY_RESPONSES,
            ),
        )
        self.gateway.start(self.options.host, self.options.api_port)

    def _start_pollers(self, jobs_url: str, regeneration_url: str, region: str) -> None:
        from local_stack.aws_resources import TRIGGER_TIMEOUT_S, WORKER_TIMEOUT_S

        mappings = [
            EventSourceMapping(
                jobs_url,
                LocalFunction("worker", f"{HANDLERS}.worker.handler", WORKER_TIMEOUT_S, region),
                batch_size=1,
                concurrency=self.options.worker_concurrency,
            ),
            EventSourceMapping(
                regeneration_url,
                LocalFunction("trigger", f"{HANDLERS}.trigger.handler", TRIGGER_TIMEOUT_S, region),
                batch_size=10,
            ),
        ]
        for mapping in mappings:
            poller = SqsPoller(mapping, self.moto.client("sqs", region), region)
            poller.start()
            self.pollers.append(poller)

    # --- stop ----------------------------------------------------------------------------
    def stop(self, *, save: bool = True) -> None:
        """Stop pollers and gateway, save state, stop Django, Gemini and moto. Idempotent."""
        if self._stopped.is_set():
            return
        self._stopped.set()
        for poller in self.pollers:
            poller.stop()
        if self.gateway is not None:
            self.gateway.stop()
        if save and self.options.persist and self.snapshots and self.scope:
            try:
                self.snapshots.save(self.scope)
            except Exception:
                log.exception("could not save the local state")
        for process in reversed(self.processes):
            process.stop()
        self.moto.stop()

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
