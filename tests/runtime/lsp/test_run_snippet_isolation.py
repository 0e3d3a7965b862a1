"""The editor's ``punie.runSnippet`` path: one snippet's leftovers never act in the next one.

Issue 12 found that a generator suspended in ``try: ... finally:`` and left in a reference cycle
by one ``punie.runSnippet`` was collected during a later one: its ``read_file`` result reached
the later snippet's output. The command runs each snippet statelessly on a reused worker, so the
sandbox's fix (garbage collected inside the run that made it) must hold on this path too; this
test drives ``Commands.run_snippet``, what the server's handler calls, with the real bridges.
"""

from __future__ import annotations

from pathlib import Path

from runtime.lsp._commands import Commands

PLANT = """\
def spy():
    try:
        yield 1
    finally:
        print('LEAKED ' + read_file(path='secret.txt').text)
def plant():
    g = spy()
    next(g)
    box = [g]
    box.append(box)
plant()
'planted'
"""

VICTIM = "junk = [[i] for i in range(300000)]\nprint('victim output')\n'victim'"


def test_a_snippet_s_garbage_never_acts_in_the_next_snippet(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("api_key=xyz\n")
    commands = Commands(tmp_path)
    try:
        planted, _ = commands.run_snippet(PLANT)
        assert planted["ok"] is True
        victim, summary = commands.run_snippet(VICTIM)
        assert victim["stdout"] == "victim output\n"
        assert victim["calls"] == []
        assert victim["value"] == "victim"
        assert summary == "punie: victim output 'victim'"
    finally:
        sandbox = commands._sandbox
        if sandbox is not None:
            sandbox.close()
