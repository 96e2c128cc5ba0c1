"""`make invoke` while `make run` runs: the handler acts on that stack (its moto, its Django
host, its secrets by ARN), as the stack's own functions do."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from local_stack.stack import FUNCTIONS_ENVIRONMENT_FILE
from tests.e2e.conftest import RunningStack
from tests.support.lambdas import EVENTS, invoke_answer

pytestmark = pytest.mark.e2e


def test_invoke_acts_on_the_running_stack(stack: RunningStack) -> None:
    # A shell as the admin has it: nothing of the stack's settings in the environment.
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "BUCKET_", "JOBS_", "DJANGO_", "GEMINI_"))
    }
    argv = [sys.executable, "-m", "local_stack.invoke", "--data-dir", str(stack.data_dir)]
    ran = subprocess.run(  # noqa: S603 - our own interpreter and module
        [*argv, "api", str(EVENTS / "api_list_users.json")],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    assert f"acting on the local stack in {stack.data_dir}" in ran.stderr
    answer = invoke_answer(ran.stdout)
    # The users come from the stack's Django host, read with the service token that the
    # handler read from the stack's Secrets Manager.
    assert answer["statusCode"] == 200, answer
    usernames = {user["username"] for user in json.loads(answer["body"])["users"]}
    assert {"admin", "test-alice", "test-bob"} <= usernames


def test_the_stack_writes_its_functions_environment_without_secret_values(
    stack: RunningStack,
) -> None:
    written = json.loads((stack.data_dir / FUNCTIONS_ENVIRONMENT_FILE).read_text())
    assert written["AWS_ENDPOINT_URL"] == stack.moto_url
    assert written["BUCKET_NAME"]
    # ARNs only: the secrets' values stay in the stack's Secrets Manager.
    assert written["DJANGO_SERVICE_TOKEN_SECRET_ARN"].startswith("arn:aws:secretsmanager:")
    assert stack.service_token not in json.dumps(written)
