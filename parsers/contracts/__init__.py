"""Result contracts: the typed API every bridge returns and every parser produces.

This package is the single home of contracts. It sits below both ``parsers`` (which builds them
from raw tool output) and ``bridges`` (which returns them to snippets). All contracts are frozen
pydantic models with a docstring under each field; that docstring is what the model reads in the
stub text. A change here is a deliberate act: ``tests/parsers/test_contract_schemas.py`` pins each
JSON schema together with ``CONTRACT_VERSION``.
"""

from parsers.contracts._base import CONTRACT_VERSION, Contract
from parsers.contracts._patch import Patch
from parsers.contracts._validation import Severity, ValidationIssue, ValidationResult

__all__ = [
    "CONTRACT_VERSION",
    "Contract",
    "Patch",
    "Severity",
    "ValidationIssue",
    "ValidationResult",
]
