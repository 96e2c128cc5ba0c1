"""The local AWS: a moto server (S3, SQS, DynamoDB, Secrets Manager) on loopback.

It runs in a thread of the stack's process; everything talks to it over HTTP through
`AWS_ENDPOINT_URL`, exactly as the Lambda code talks to AWS.
"""

from __future__ import annotations

import logging
from typing import Any

import boto3
import httpx
from botocore.config import Config

log = logging.getLogger("local_stack.moto")

#: Credentials moto accepts; they never leave this machine.
LOCAL_CREDENTIALS = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}


class LocalMoto:
    """A moto server in a background thread."""

    def __init__(self, host: str = "127.0.0.1", port: int = 4566) -> None:
        self.host = host
        self.port = port
        self._server: Any = None

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> str:
        from moto.server import ThreadedMotoServer  # heavy: only when a stack starts

        self._server = ThreadedMotoServer(ip_address=self.host, port=self.port, verbose=False)
        self._server.start()  # returns once the socket is bound
        self.port = self._server.get_host_and_port()[1]  # the real one when asked for 0
        httpx.get(f"{self.endpoint_url}/moto-api/", timeout=10).raise_for_status()
        log.info("moto server on %s", self.endpoint_url)
        return self.endpoint_url

    def reset(self) -> None:
        """Forget every resource (moto's state is per process, not per server)."""
        httpx.post(f"{self.endpoint_url}/moto-api/reset", timeout=10).raise_for_status()

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

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
