"""``outside``: which reported files really lie outside the workspace, against ``realpath``."""

from __future__ import annotations

import os
from pathlib import Path

from bridges._core._common import outside


def tree(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    away = tmp_path / "away"
    for folder in (root / "pkg" / "deep", root / "real", away / "sub"):
        folder.mkdir(parents=True)
    for file in (
        root / "pkg" / "a.py",
        root / "pkg" / "deep" / "b.py",
        root / "real" / "c.py",
        away / "secret.py",
        away / "sub" / "s.py",
    ):
        file.write_text("x = 1\n", encoding="utf-8")
    (root / "pkg" / "leak.py").symlink_to(away / "secret.py")  # a file link out
    (root / "pkg" / "alias.py").symlink_to(root / "real" / "c.py")  # a file link inside
    (root / "vendor").symlink_to(away)  # a folder link out
    (root / "mirror").symlink_to(root / "real")  # a folder link inside
    (root / "pkg" / "deep" / "up").symlink_to(root / "pkg")  # a folder link back up, inside
    (root / "dangling.py").symlink_to(away / "gone.py")  # a broken link out
    return root


def test_outside_agrees_with_realpath(tmp_path: Path) -> None:
    root = tree(tmp_path).resolve()
    reported = [
        "pkg/a.py",
        "pkg/deep/b.py",
        "pkg/leak.py",
        "pkg/alias.py",
        "vendor/secret.py",
        "vendor/sub/s.py",
        "mirror/c.py",
        "pkg/deep/up/a.py",
        "pkg/deep/up/leak.py",
        "dangling.py",
        "real/../vendor/secret.py",
        "pkg/../pkg/a.py",
        str(tmp_path / "away" / "secret.py"),
        "not/there.py",
    ]
    prefix = str(root) + os.sep

    def by_realpath(file: str) -> bool:
        real = os.path.realpath(os.path.join(root, file))
        return real != str(root) and not real.startswith(prefix)

    expected = {file for file in reported if by_realpath(file)}
    assert outside(root, reported) == expected
    assert expected == {
        "pkg/leak.py",
        "vendor/secret.py",
        "vendor/sub/s.py",
        "pkg/deep/up/leak.py",
        "dangling.py",
        "real/../vendor/secret.py",
        str(tmp_path / "away" / "secret.py"),
    }


def test_a_link_back_inside_from_a_folder_outside_counts_as_outside(tmp_path: Path) -> None:
    root = tree(tmp_path).resolve()
    (tmp_path / "away" / "home").symlink_to(root / "real")
    # realpath says vendor/home/c.py is real/c.py, inside; the check errs on the safe side
    assert outside(root, ["vendor/home/c.py", "real/c.py"]) == {"vendor/home/c.py"}
