"""Code that runs inside a sandbox worker process, never in the host.

The worker is started as ``python -I -S`` with only this folder's parent and RestrictedPython's
site directory on ``sys.path``; it imports this package as the top-level package ``_worker``
(every import inside it is relative), so it never loads pydantic or the host's ``sandbox``
package. The host imports the parts they share: the wire format (``_frames``), the message
types (``_messages``), the one ``HostFunctionError`` (``_errors``) and the hint helper
(``_denials.nearest``).

The modules import each other without a cycle and never from inside a function (pinned by
tests/sandbox/test_worker_layout.py); each line imports only from the lines above it::

    _errors  _denials  _messages  _landlock  _seccomp  _clock    (no sibling imports)
    _compiled  _readonly  _frames  _lockdown
    _fast  _restricted  _state  _aio  _stdlib (tables of the stand-ins, built on first import)
    _access  (the getattr/getitem/write guards the language and the stand-ins share)
    _modules  _saved
    _policy  _guards
    _main

A deterministic sandbox starts its workers with ``-s -P`` and ``PYTHONHASHSEED=0`` instead of
``-I`` (``-I`` would drop the hash seed from the environment); nothing else differs.
"""

__all__: list[str] = []
