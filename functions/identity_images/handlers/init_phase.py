"""Lambda's init phase: build, before the first request, what every request needs.

On demand, Lambda runs a function's init (the import of its handler module) on a full,
unthrottled vCPU, for at most 10 s, and each invocation on the share of a vCPU that the
function's memory buys: a whole one at 1769 MB, about 0.29 of one at the 512 MB of the API
and the authorizer. So the work a first request would do anyway (the settings, the AWS
clients, the models it validates with, the X-Ray recorder where tracing is on) takes some
3.5x less time done here, and the admin's cold click waits that much less. This is AWS's
advice too: build SDK clients outside the handler, and do the heavy lifting at init.

Preparing calls nothing of the pipeline's (no secret is fetched, no connection to AWS or
the host app opened), so a dependency that is down can neither hold up nor fail the
init: the first request meets it and answers as it always has. A step that fails is
logged and left to the first request, which builds it again and turns the error into the
handler's usual answer.

Only inside Lambda, which names the initialization type (`on-demand`,
`provisioned-concurrency`, `snap-start`; with the last two, init is off the request path
altogether). Tests, the local stack and the tools that import a handler build on first
use, as before.

With SnapStart (the API and the authorizer, `infra/functions.py`), this init runs once per
deploy, and every cold start resumes a snapshot of it. What it built is then shared by
every environment, which is safe for what is built here: nothing holds a connection or a
secret of the pipeline's, and the role's credentials the clients hold are renewed by
botocore as they expire. Only the random generators' states would be the same everywhere:
Python's `random` (botocore's retry jitter draws from it) and OpenSSL's (the TLS contexts
made here drew from it). Each restored environment reseeds both from the OS, as AWS
advises.
"""

from __future__ import annotations

import importlib
import os
import random
import ssl
from collections.abc import Callable

from aws_lambda_powertools import Logger

#: Set by Lambda in every function's environment.
INITIALIZATION_TYPE = "AWS_LAMBDA_INITIALIZATION_TYPE"

#: The initialization type of a version published with SnapStart.
SNAP_START = "snap-start"

#: Lambda's library of SnapStart's runtime hooks, part of its Python runtimes.
RUNTIME_HOOKS = "snapshot_restore_py"

#: How much fresh entropy OpenSSL's generator gets after a restore.
RESEED_BYTES = 48

#: What the log says where SnapStart's runtime hooks are missing.
NOT_RESEEDED = "No SnapStart runtime hooks: the random generators are not reseeded after a restore"

#: What the log says of a step that failed (the artefact check looks for it).
NOT_PREPARED = "Not prepared at init; the first request will build it"

Step = Callable[[], object]


def in_lambda_init() -> bool:
    """Whether this process is a Lambda execution environment (importing its handler is
    the init phase)."""
    return INITIALIZATION_TYPE in os.environ


def prepare(*steps: Step, logger: Logger) -> None:
    """Run `steps` now, inside Lambda; elsewhere do nothing. A step that raises is logged
    and skipped (the first request will redo it); the next steps still run. Under SnapStart,
    also reseed the random generators after each restore (`reseed`)."""
    if not in_lambda_init():
        return
    if os.environ[INITIALIZATION_TYPE] == SNAP_START:
        _reseed_after_restore(logger)
    for step in steps:
        try:
            step()
        except Exception:
            logger.warning(
                NOT_PREPARED,
                extra={"step": getattr(step, "__qualname__", repr(step))},
                exc_info=True,
            )


def _reseed_after_restore(logger: Logger) -> None:
    try:
        hooks = importlib.import_module(RUNTIME_HOOKS)
    except ImportError:  # not Lambda's runtime: still no reason to fail a deploy
        logger.warning(NOT_RESEEDED)
        return
    hooks.register_after_restore(reseed)


def reseed() -> None:
    """Fresh entropy from the OS for Python's `random` and for OpenSSL's generator, whose
    states a restored environment would otherwise share with every other one."""
    random.seed()
    ssl.RAND_add(os.urandom(RESEED_BYTES), RESEED_BYTES)
