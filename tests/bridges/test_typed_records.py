"""``Bridge`` is generic in its argument model and result contract (issue 13, finding 4).

ty checks a record where it is written: an implementation that reads another argument model
than the record names, or returns something that is not a contract, is an error there. (A result
contract that differs from the implementation's widens the record to a union, which ty reports
where the record is declared as ``Bridge[Args, Result]``.) Checked by running ty for real.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bridges import Bridge, BridgeContext, FileList
from bridges._bridge import lazy

RECORDS = """
from pydantic import BaseModel

from bridges import Bridge, BridgeContext, FileList, TypeCheckResult


class Arguments(BaseModel):
    path: str = "."


class Other(BaseModel):
    query: str


def listing(context: BridgeContext, arguments: Arguments) -> FileList:
    raise NotImplementedError


def text(context: BridgeContext, arguments: Arguments) -> str:
    raise NotImplementedError


GOOD = Bridge(name="a", docstring="", arguments=Arguments, result=FileList, implementation=listing)
ARGUMENTS = Bridge(name="b", docstring="", arguments=Other, result=FileList, implementation=listing)
TEXT = Bridge(name="c", docstring="", arguments=Arguments, result=FileList, implementation=text)
DECLARED: Bridge[Arguments, TypeCheckResult] = Bridge(
    name="d", docstring="", arguments=Arguments, result=TypeCheckResult, implementation=listing
)
"""


def test_ty_reports_records_whose_types_do_not_match(tmp_path: Path) -> None:
    (tmp_path / "records.py").write_text(RECORDS)
    ty = Path(sys.executable).parent / "ty"
    completed = subprocess.run(
        [
            str(ty),
            "check",
            "--python",
            sys.prefix,
            "--output-format",
            "concise",
            "--",
            "records.py",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    found = [line.split(" ", 2)[:2] for line in completed.stdout.splitlines() if ": error[" in line]
    assert found == [
        ["records.py:24:78:", "error[invalid-argument-type]"],  # ARGUMENTS
        ["records.py:25:77:", "error[invalid-argument-type]"],  # TEXT
        ["records.py:26:48:", "error[invalid-assignment]"],  # DECLARED
    ]


def test_a_record_and_its_lazy_implementation_run_as_before(tmp_path: Path) -> None:
    """The type parameters change nothing at run time: binding calls the implementation."""
    from bridges.navigation._arguments import DocumentSymbolsArguments

    def listing(context: BridgeContext, arguments: DocumentSymbolsArguments) -> FileList:
        return FileList(path=arguments.file, files=[], truncated=False)

    record = Bridge(
        name="listing",
        docstring="",
        arguments=DocumentSymbolsArguments,
        result=FileList,
        implementation=listing,
    )
    bound = record.bind(BridgeContext(workspace=tmp_path))
    assert bound.function(file="a.py") == FileList(path="a.py", files=[], truncated=False)
    typed: lazy[DocumentSymbolsArguments, FileList] = lazy("bridges.navigation._bridges:hover")
    assert typed.target == "bridges.navigation._bridges:hover"
