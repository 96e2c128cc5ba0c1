"""Generation jobs from the API's side: create and queue them, derive new ones from a
job, read them, cancel one and ask for its apply.

Everything is checked before anything is written: a refused request leaves no job and
sends no message. Every operation takes the caller and the `Generations` bundle (the
ports and settings the API hands down); creating ones honour an `Idempotency-Key`.

One module per part, read alone:

- `bundle`: the `Generations` bundle;
- `create`: a new generation, or `count` variants of one, from a request;
- `derive`: new generations from an existing one (refine, re-run);
- `new_jobs`: what both write: the queued jobs, their messages, one answer per
  `Idempotency-Key`;
- `read`: one generation or an identity's history, with short-lived URLs;
- `actions`: cancel a queued generation, ask for a succeeded one's apply.
"""

from identity_images.logic.generations.actions import cancel_generation, request_apply
from identity_images.logic.generations.bundle import Generations
from identity_images.logic.generations.create import create_generation, create_variants
from identity_images.logic.generations.derive import refine_generation, rerun_generation
from identity_images.logic.generations.read import get_generation, list_generations, with_urls

__all__ = [
    "Generations",
    "cancel_generation",
    "create_generation",
    "create_variants",
    "get_generation",
    "list_generations",
    "refine_generation",
    "request_apply",
    "rerun_generation",
    "with_urls",
]
