"""Which code is running, as a short hash: cached HTML is keyed on it, so a deploy never serves
fragments rendered by the templates or template tags it replaced (the cache outlives restarts)."""

import hashlib
import os
from functools import cache
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
_SKIP = {
    ".hypothesis",
    ".ruff_cache",
    ".venv",
    "node_modules",
    "var",
    "staticfiles",
    "static",
    "tests",
    "benchmarks",
    ".git",
    "test-artifacts",
}


@cache
def release() -> str:
    if os.environ.get("ACCORD_RELEASE"):  # a deploy that knows its version says so
        return os.environ["ACCORD_RELEASE"]
    digest = hashlib.blake2b(digest_size=8)
    for top in sorted(p for p in BASE_DIR.iterdir() if p.is_dir() and p.name not in _SKIP):
        for path in sorted(top.rglob("*")):
            if path.suffix in {".py", ".html", ".txt"} and "migrations" not in path.parts:
                digest.update(str(path.relative_to(BASE_DIR)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()
