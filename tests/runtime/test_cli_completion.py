"""``punie completion``: the script loads in a real bash and completes commands and options."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PUNIE = Path(sys.executable).parent / "punie"

# Ask bash's completion function what it offers for a partial command line, as a shell would.
_ASK = """\
source <("$PUNIE" completion bash)
COMP_WORDS=({words})
COMP_CWORD={index}
COMP_LINE="{line}"
COMP_POINT=${{#COMP_LINE}}
_shtab_punie punie "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\\n' "${{COMPREPLY[@]}}"
"""


def offered(*words: str) -> list[str]:
    script = _ASK.format(
        words=" ".join(f"'{w}'" for w in ("punie", *words)),
        index=len(words),
        line=" ".join(("punie", *words)),
    )
    done = subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        text=True,
        env={"PUNIE": str(PUNIE), "PATH": "/usr/bin:/bin"},
        check=True,
    )
    return sorted(done.stdout.split())


def test_bash_completes_subcommands_and_their_options() -> None:
    assert offered("") == [
        "acp",
        "ask",
        "bridges",
        "completion",
        "eval",
        "lora",
        "lsp",
        "mcp",
        "repl",
        "run",
        "traces",
    ]
    assert offered("-") == ["--help", "--version", "-h"]
    assert offered("run", "--bri") == ["--bridge-timeout"]
    assert offered("completion", "") == ["bash", "tcsh", "zsh"]


def test_an_unknown_shell_is_a_usage_error_naming_the_choices() -> None:
    done = subprocess.run([str(PUNIE), "completion", "fish"], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        "punie completion: error: argument shell: invalid choice: 'fish' "
        "(choose from 'bash', 'zsh', 'tcsh')"
    )
