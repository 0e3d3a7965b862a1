"""The LibCST module cache has an owner (issue 13, finding 2): a ``ModuleCache`` keeps its parsed
modules and derived results to itself, ``clear()`` forgets them, and ``close()`` stops the parser
children it started. ``MODULE_CACHE`` is the process-wide instance (content-keyed, so shared on
purpose); another instance shares none of its entries."""

from __future__ import annotations

import time
from pathlib import Path

from bridges.cst import ModuleCache
from bridges.cst._cache import content_digest
from bridges.cst._children import Job

SOURCE = "class Box:\n    def size(self) -> int:\n        return 1\n"


def test_two_module_caches_do_not_share_and_clear_forgets(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text(SOURCE, encoding="utf-8")
    one, other = ModuleCache(), ModuleCache()
    first = one.parse_file(path, display="m.py")
    assert one.parse_file(path, display="m.py") is first
    assert (one.parses, other.parses) == (1, 0)
    assert other.parse_file(path, display="m.py") is not first  # parsed again: not shared
    assert (one.parses, other.parses) == (1, 1)

    one.store(("findings", first.digest), ["x"])
    assert one.lookup(("findings", first.digest)) == ["x"]
    assert other.lookup(("findings", first.digest)) is None

    one.clear()
    assert one.lookup(("findings", first.digest)) is None
    assert one.parse_file(path, display="m.py") is not first
    assert one.parses == 2


def test_close_stops_the_parser_children_and_a_later_call_starts_new_ones() -> None:
    cache = ModuleCache()
    data = SOURCE.encode()
    job = Job(task=("find", "class", "Box", "m.py", False), digest=content_digest(data), data=data)
    pool = cache.pool
    first = pool.run([job], deadline=time.monotonic() + 60)
    pool.run([job], deadline=time.monotonic() + 60)
    assert pool.started == 1  # one child, kept warm between calls
    cache.close()
    assert cache.pool is not pool  # a new pool for later calls
    assert pool.run([job], deadline=time.monotonic() + 60) == first
    assert pool.started == 2  # the closed pool kept no child: it had to start one
    pool.close()
    cache.close()
