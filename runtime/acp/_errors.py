"""The ACP agent's one error: the person in the editor said no to a write.

::

    WritingNotAllowed (bridges, a HostFunctionError)
    └── WriteRejected       the person in the editor rejected one write; the snippet sees this

Mistakes in starting ``punie acp`` (an unknown profile, a --python that is not there) are usage
errors of the command (exit status 2). What goes wrong *inside* a session is never an exception that ends the agent: a bad request is a
JSON-RPC error (``acp.RequestError``), a missing or broken model is said in the reply, a snippet's
mistakes are in its tool call, and the agent keeps serving.
"""

from __future__ import annotations

from bridges import WritingNotAllowed

__all__ = ["WriteRejected"]


class WriteRejected(WritingNotAllowed):
    """The person rejected this write in the editor's permission prompt (or cancelled it).

    A bridge error like any other: the snippet gets the message, and the model should show the
    change instead of trying the same write again.
    """
