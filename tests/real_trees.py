"""Real third-party trees for end-to-end tests: sdists from PyPI, downloaded once and cached.

The sample workspace is not the world; a few tests run the bridges on a real project (rich) to
show they are right there too. The archive is found through PyPI's simple index (its JSON form,
PEP 691; the per-release JSON API is not reachable from every machine), fetched with httpx,
checked against the SHA-256 the index publishes, kept in ``$PUNIE_SDIST_CACHE`` (default
``~/.cache/punie-sdists``) and unpacked into the test's own folder. No network means the test
fails with a message saying so; it is never skipped.
"""

from __future__ import annotations

import hashlib
import os
import tarfile
from pathlib import Path

import httpx

__all__ = ["SDIST_CACHE", "sdist_archive", "unpacked_sdist"]

SDIST_CACHE = Path(os.environ.get("PUNIE_SDIST_CACHE", Path.home() / ".cache" / "punie-sdists"))


def sdist_archive(name: str, version: str) -> Path:
    """The cached ``name-version.tar.gz`` from PyPI, downloaded and verified on first use."""
    archive = SDIST_CACHE / f"{name}-{version}.tar.gz"
    if archive.is_file():
        return archive
    try:
        index = httpx.get(
            f"https://pypi.org/simple/{name}/",
            headers={"Accept": "application/vnd.pypi.simple.v1+json"},
            timeout=60,
            follow_redirects=True,
        )
        index.raise_for_status()
        (source,) = [f for f in index.json()["files"] if f["filename"] == archive.name]
        data = httpx.get(source["url"], timeout=300, follow_redirects=True)
        data.raise_for_status()
    except httpx.HTTPError as error:
        raise RuntimeError(
            f"cannot download the {name} {version} sdist from PyPI ({error}); these tests need "
            f"PyPI once, or the archive placed in {SDIST_CACHE}"
        ) from error
    digest = hashlib.sha256(data.content).hexdigest()
    if digest != source["hashes"]["sha256"]:
        raise RuntimeError(f"the {name} {version} sdist from PyPI does not match its SHA-256")
    SDIST_CACHE.mkdir(parents=True, exist_ok=True)
    partial = archive.with_suffix(".part")
    partial.write_bytes(data.content)
    partial.replace(archive)
    return archive


def unpacked_sdist(name: str, version: str, into: Path) -> Path:
    """The sdist's source tree unpacked under ``into`` (resolved), e.g. ``into/rich-15.0.0``."""
    with tarfile.open(sdist_archive(name, version)) as tar:
        tar.extractall(into, filter="data")
    return (into / f"{name}-{version}").resolve()
