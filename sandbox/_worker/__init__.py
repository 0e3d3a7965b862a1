"""Code that runs inside a sandbox worker process, never in the host.

The worker is started as ``python -I -S`` with only this folder's parent and RestrictedPython's
site directory on ``sys.path``; it imports this package as the top-level package ``_worker``
(every import inside it is relative), so it never loads pydantic or the host's ``sandbox``
package. The host imports ``sandbox._worker._protocol`` only, for the wire format.
"""

__all__: list[str] = []
