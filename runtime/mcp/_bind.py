"""Where the HTTP server may listen: loopback, unless the person starting it says otherwise.

The server has no authentication: anybody who can open a connection to it can run snippets
against the workspace with the bridges it offers. So ``--http`` binds 127.0.0.1 unless told, and
a non-loopback address needs ``--allow-non-loopback``. Checked before the SDK is imported.
"""

from __future__ import annotations

import ipaddress

from runtime.mcp._errors import NonLoopbackBindError

__all__ = ["check_bind", "is_loopback"]

_LOCAL_NAMES = frozenset({"localhost", "ip6-localhost", "ip6-loopback"})


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address, or 'localhost') can only be reached from this machine."""
    if host.lower() in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, *, allow_non_loopback: bool) -> None:
    """Refuse a non-loopback ``host`` unless allowed (``NonLoopbackBindError`` names the flag)."""
    if not allow_non_loopback and not is_loopback(host):
        raise NonLoopbackBindError(
            f"refusing to listen on {host}: punie mcp has no authentication, so anybody who can "
            "reach that address could run code against your workspace. Use 127.0.0.1 (the "
            "default), or pass --allow-non-loopback if the network is yours alone"
        )
