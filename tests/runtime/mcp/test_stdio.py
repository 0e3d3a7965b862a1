"""``punie mcp`` over stdio, driven by the MCP SDK's own client against a real subprocess."""

from __future__ import annotations

from pathlib import Path

import anyio
import mcp_types as types
import pytest
from mcp.shared.exceptions import MCPError

from bridges import default_bridges, registry, render_section, sample_workspace
from runtime.mcp import MCP_RULES
from runtime.template import outcome_from_run, render_tool_result, system_prompt_for
from sandbox import Sandbox, render_stubs
from tests.runtime.mcp.mcp_test_support import normalised, stdio_client


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    return sample_workspace(tmp_path / "shop")


def _embedded(workspace: Path, code: str) -> str:
    """What punie's own model reads for ``code`` run through the embedded API."""
    with Sandbox(default_bridges(workspace), pool_size=1) as sandbox:
        return render_tool_result(outcome_from_run(sandbox.run(code)))


def _text(result: types.CallToolResult) -> str:
    (block,) = result.content
    assert isinstance(block, types.TextContent)
    return block.text


def test_tools_and_resources_are_rendered_from_the_bridge_records(shop: Path) -> None:
    functions = default_bridges(shop)

    async def main() -> None:
        async with stdio_client("--workspace", str(shop)) as client:
            tools = (await client.list_tools()).tools
            assert [tool.name for tool in tools] == ["run_python", "reset"]
            assert tools[0].description == system_prompt_for(functions, rules=MCP_RULES)
            assert tools[0].input_schema["required"] == ["code"]
            resources = (await client.list_resources()).resources
            assert [resource.uri for resource in resources] == [
                "punie://stubs",
                *(f"punie://bridges/{function.name}" for function in functions),
            ]
            stubs = (await client.read_resource("punie://stubs")).contents
            assert [(c.uri, getattr(c, "text", None)) for c in stubs] == [
                ("punie://stubs", render_stubs(functions))
            ]
            document = (await client.read_resource("punie://bridges/git_log")).contents[0]
            record = next(record for record in registry() if record.name == "git_log")
            assert getattr(document, "text", None) == render_section(record)
            with pytest.raises(MCPError) as missing:
                await client.read_resource("punie://bridges/nothing")
            assert missing.value.error.code == types.INVALID_PARAMS

    anyio.run(main)


def test_run_python_calls_a_bridge_and_keeps_names_until_reset(shop: Path) -> None:
    ruff_check = next(f for f in default_bridges(shop) if f.name == "ruff_check")
    count = len(ruff_check.function(path="shop").violations)

    async def main() -> None:
        async with stdio_client("--workspace", str(shop)) as client:
            result = await client.call_tool(
                "run_python", {"code": "r = ruff_check(path='shop')\nprint(len(r.violations))"}
            )
            assert (_text(result), result.is_error) == (str(count), False)
            assert normalised(result.structured_content) == {
                "ok": True,
                "output": f"{count}\n",
                "value": None,
                "error": None,
                "error_kind": None,
                "calls": [
                    {
                        "name": "ruff_check",
                        "arguments": {"path": "shop"},
                        "ok": True,
                        "duration_s": 0.0,
                        "error": None,
                    }
                ],
                "duration_s": 0.0,
                "note": None,
            }
            # the name bound by the first call is still there, and the pre-run check knows it
            again = await client.call_tool("run_python", {"code": "len(r.violations) * 2"})
            assert (_text(again), again.is_error) == (str(count * 2), False)
            reset = await client.call_tool("reset", {})
            assert _text(reset) == "The session was reset: no names are defined."
            gone = await client.call_tool("run_python", {"code": "r"})
            assert gone.is_error
            assert gone.structured_content["error_kind"] == "runtime"
            assert _text(gone) == _embedded(shop, "r")

    anyio.run(main)


def test_refusals_and_bad_arguments_are_tool_errors_and_the_server_keeps_serving(
    shop: Path,
) -> None:
    async def main() -> None:
        async with stdio_client("--workspace", str(shop)) as client:
            refused = await client.call_tool("run_python", {"code": "import os"})
            assert (refused.is_error, refused.structured_content["error_kind"]) == (
                True,
                "policy",
            )
            assert _text(refused) == _embedded(shop, "import os")
            misspelt = await client.call_tool("run_python", {"code": "typechek(path='shop')"})
            assert misspelt.structured_content["error_kind"] == "precheck"
            assert misspelt.structured_content["calls"] == []
            assert "did you mean 'typecheck'" in _text(misspelt)
            missing = await client.call_tool("run_python", {"source": "1"})
            assert (missing.is_error, _text(missing)) == (
                True,
                "run_python takes one argument, 'code': the Python snippet as a string; got "
                "unexpected argument(s) 'source'. Call it as run_python(code=\"print(1 + 1)\")",
            )
            wrong_type = await client.call_tool("run_python", {"code": 42})
            assert _text(wrong_type).endswith(
                "got 'code' of type int. Call it as run_python(code=\"print(1 + 1)\")"
            )
            with pytest.raises(MCPError) as unknown:
                await client.call_tool("run_pyhton", {"code": "1"})
            assert (unknown.value.error.code, unknown.value.error.message) == (
                types.INVALID_PARAMS,
                "unknown tool 'run_pyhton'; the tools are: run_python, reset",
            )
            fine = await client.call_tool("run_python", {"code": "6 * 7"})
            assert (_text(fine), fine.is_error) == ("42", False)

    anyio.run(main)


def test_a_snippet_over_the_time_limit_is_stopped_and_the_session_goes_on(shop: Path) -> None:
    async def main() -> None:
        async with stdio_client("--workspace", str(shop), "--timeout", "1") as client:
            await client.call_tool("run_python", {"code": "kept = 1"})
            slow = await client.call_tool("run_python", {"code": "while True:\n    pass"})
            assert (slow.is_error, slow.structured_content["error_kind"]) == (True, "timeout")
            assert _text(slow) == (
                "Error: the snippet ran longer than 1 s and was stopped; the session's variables "
                "were lost; do less work per snippet (smaller inputs, fewer iterations, no "
                "endless loops)"
            )
            after = await client.call_tool("run_python", {"code": "'still serving'"})
            assert (_text(after), after.is_error) == ("still serving", False)

    anyio.run(main)


def test_a_client_that_speaks_the_2026_protocol_keeps_its_names_too(shop: Path) -> None:
    async def main() -> None:
        async with stdio_client("--workspace", str(shop), mode="auto") as client:
            assert client.protocol_version == "2026-07-28"
            await client.call_tool("run_python", {"code": "x = 20"})
            result = await client.call_tool("run_python", {"code": "x + 22"})
            assert (_text(result), result.is_error) == ("42", False)

    anyio.run(main)


@pytest.mark.filterwarnings("ignore::mcp.shared.exceptions.MCPDeprecationWarning")
def test_without_workspace_the_clients_first_root_is_the_workspace(
    shop: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    async def roots(context: object) -> types.ListRootsResult:
        return types.ListRootsResult(
            roots=[  # a file is not a workspace: the first folder is
                types.Root(uri=(shop / "README.md").as_uri()),
                types.Root(uri=shop.as_uri()),
            ]
        )

    async def main() -> None:
        async with stdio_client(cwd=elsewhere, list_roots_callback=roots) as client:
            result = await client.call_tool(
                "run_python", {"code": "read_file(path='README.md').path"}
            )
            assert (_text(result), result.is_error) == ("README.md", False)

    anyio.run(main)
