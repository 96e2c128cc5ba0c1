"""The local AWS: a moto server (S3, SQS, DynamoDB, Secrets Manager) on loopback.

It runs in a thread of the stack's process; everything talks to it over HTTP through
`AWS_ENDPOINT_URL`, exactly as the Lambda code talks to AWS. It is moto's own server app
(what `moto.server.ThreadedMotoServer` runs) behind `local_stack.post_policy`, so that the
bucket refuses a browser upload its POST policy does not allow, as S3 does.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

import boto3
import httpx
from botocore.config import Config

if TYPE_CHECKING:
    from werkzeug.serving import BaseWSGIServer

log = logging.getLogger("local_stack.moto")

#: Credentials moto accepts; they never leave this machine.
LOCAL_CREDENTIALS = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}


class LocalMoto:
    """A moto server in a background thread."""

    def __init__(self, host: str = "127.0.0.1", port: int = 4566) -> None:
        self.host = host
        self.port = port
        #: Access key id -> secret: whose presigned POSTs the bucket takes (as S3, by their
        #: signature); the stack's own, which every local client signs with.
        self.credentials = {
            LOCAL_CREDENTIALS["aws_access_key_id"]: LOCAL_CREDENTIALS["aws_secret_access_key"]
        }
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> str:
        # Heavy imports: only when a stack starts.
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        from local_stack.post_policy import PostPolicyMiddleware

        app = PostPolicyMiddleware(
            DomainDispatcherApplication(create_backend_app), credentials=self.credentials
        )
        self._server = make_server(  # binds the socket
            self.host, self.port, app, threaded=True, request_handler=MotoRequestHandler
        )
        self.port = self._server.server_port  # the real one when asked for 0
        self._thread = threading.Thread(target=self._server.serve_forever, name="moto", daemon=True)
        self._thread.start()
        httpx.get(f"{self.endpoint_url}/moto-api/", timeout=10).raise_for_status()
        log.info("moto server on %s", self.endpoint_url)
        return self.endpoint_url

    def reset(self) -> None:
        """Forget every resource (moto's state is per process, not per server)."""
        httpx.post(f"{self.endpoint_url}/moto-api/reset", timeout=10).raise_for_status()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def client(self, service: str, region: str = "us-east-1") -> Any:
        """A boto3 client for this server (for the stack's own set-up work)."""
        return boto3.session.Session().client(
            service,  # type: ignore[call-overload]
            region_name=region,
            endpoint_url=self.endpoint_url,
            config=Config(signature_version="s3v4", retries={"mode": "standard"}),
            aws_access_key_id=LOCAL_CREDENTIALS["aws_access_key_id"],
            aws_secret_access_key=LOCAL_CREDENTIALS["aws_secret_access_key"],
        )
