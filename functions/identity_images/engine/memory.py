"""Give large freed buffers back to the system at once (glibc only; a no-op elsewhere).

A 4K answer passes through several buffers of 30-45 MB each (the HTTP body, its text,
the parsed JSON's base64 string, the decoded image) and a 4K PNG preview decodes to some
50 MB of pixels. glibc serves big blocks with `mmap` and unmaps them on `free`, but after
the first such `free` it raises its mmap threshold (up to 32 MB) and serves the next
blocks of that size from the heap, which it rarely hands back: each step's buffers then
stay resident and add up, and the job's peak grows by tens of MB. Pinning the threshold
(`mallopt(M_MMAP_THRESHOLD, 128 KiB)`, what `MALLOC_MMAP_THRESHOLD_=131072` does) keeps
every big block mmapped, so its memory leaves the process when Python frees it.
`benchmarks/worker_memory.py` measures the effect.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from functools import cache

_M_MMAP_THRESHOLD = -3  # from glibc's <malloc.h>
MMAP_THRESHOLD_BYTES = 128 * 1024  # glibc's own default before it starts adjusting


@cache
def _glibc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    name = ctypes.util.find_library("c") or "libc.so.6"
    try:
        libc = ctypes.CDLL(name)
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") else None


@cache
def release_large_buffers_eagerly() -> bool:
    """Pin glibc's mmap threshold for this process (once); False where there is no glibc
    (musl, macOS), which needs nothing of the kind or offers no such switch."""
    libc = _glibc()
    if libc is None:
        return False
    return bool(libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))
