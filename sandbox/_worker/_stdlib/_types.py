"""Stand-ins for defining types and values: dataclasses, enum, typing, datetime, pathlib.

The doors, and what each table does about them:

- ``dataclasses.dataclass`` generates ``__init__`` and friends from the field names: it decorates
  the snippet's own classes only (on a shared class it would rewrite that class for every later
  run), and every field name must be an identifier that does not start with '_'.
  ``make_dataclass`` builds a class from strings: left out.
- ``enum``'s functional API (``Enum('Color', 'RED GREEN')``) turns strings into class
  attributes, dunders included (``__del__`` would run in a later run): the stand-in's ``Enum``
  family checks those names; the class statement is checked by the language policy.
- ``typing.get_type_hints`` and ``ForwardRef`` evaluate strings as code, outside the policy:
  left out, with ``overload``/``final``/``no_type_check`` and friends, which write on the
  objects they are given or into a registry every later run shares.
- ``datetime`` re-exports ``sys`` (and a C capsule): only its classes and constants are offered.
- ``pathlib`` offers pure paths only: ``Path`` reads the file system.
"""

from __future__ import annotations

from .._access import is_snippet_class
from .._clock import frozen_datetime
from ._table import IMPORTED, Table, check_name, left

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: a worker does not import typing

if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any

__all__ = ["TABLES"]


def _dataclasses(real: ModuleType) -> dict[str, Any]:
    make = real.dataclass

    def dataclass(cls: type | None = None, /, **options: Any) -> Any:
        """``dataclasses.dataclass`` for the snippet's own classes, with plain field names."""

        def decorate(cls: type) -> type:
            if not is_snippet_class(cls):
                raise TypeError("dataclass() decorates classes defined in the snippet only")
            for name in cls.__dict__.get("__annotations__", {}):  # noqa: RUF063 (no inspect)
                check_name("dataclass field name", name)
            return make(cls, **options)

        return decorate if cls is None else decorate(cls)

    return {"dataclass": dataclass}


def _member_names(names: Any) -> Any:
    """The names of an ``Enum('Name', names)`` call, checked; returns ``names`` in a form
    that can be read again (a one-shot iterator is read once, here)."""
    if isinstance(names, str):
        names = names.replace(",", " ").split()
    elif not isinstance(names, dict):
        names = list(names)
    for item in names:
        check_name("enum member name", item if isinstance(item, str) else item[0])
    return names


def _enum(real: ModuleType) -> dict[str, Any]:
    class EnumType(real.EnumType):
        """``enum.EnumType`` whose functional API takes plain member names only."""

        __module__ = "enum"

        def __call__(
            cls,
            value: Any,
            names: Any = None,
            *,
            module: str | None = None,
            qualname: str | None = None,
            type: type | None = None,
            start: int = 1,
            boundary: Any = None,
        ) -> Any:
            if names is None:
                return super().__call__(value)
            check_name("enum name", value)
            return super().__call__(
                value,
                _member_names(names),
                module="snippet",
                qualname=qualname,
                type=type,
                start=start,
                boundary=boundary,
            )

    class Enum(real.Enum, metaclass=EnumType):
        __module__ = "enum"

    class IntEnum(real.IntEnum, metaclass=EnumType):
        __module__ = "enum"

    class StrEnum(real.StrEnum, metaclass=EnumType):
        __module__ = "enum"

    class Flag(real.Flag, metaclass=EnumType):
        __module__ = "enum"

    class IntFlag(real.IntFlag, metaclass=EnumType):
        __module__ = "enum"

    return {"Enum": Enum, "IntEnum": IntEnum, "StrEnum": StrEnum, "Flag": Flag, "IntFlag": IntFlag}


_TYPING_NAMES = (
    "AbstractSet", "Annotated", "Any", "AnyStr", "AsyncContextManager", "AsyncGenerator",
    "AsyncIterable", "AsyncIterator", "Awaitable", "BinaryIO", "ByteString", "Callable",
    "ChainMap", "ClassVar", "Collection", "Concatenate", "Container", "ContextManager",
    "Coroutine", "Counter", "DefaultDict", "Deque", "Dict", "Final", "FrozenSet", "Generator",
    "Generic", "Hashable", "IO", "ItemsView", "Iterable", "Iterator", "KeysView", "List",
    "Literal", "LiteralString", "Mapping", "MappingView", "Match", "MutableMapping",
    "MutableSequence", "MutableSet", "NamedTuple", "Never", "NewType", "NoReturn", "NotRequired",
    "Optional", "OrderedDict", "ParamSpec", "ParamSpecArgs", "ParamSpecKwargs", "Pattern",
    "Protocol", "Required", "Reversible", "Self", "Sequence", "Set", "Sized", "SupportsAbs",
    "SupportsBytes", "SupportsComplex", "SupportsFloat", "SupportsIndex", "SupportsInt",
    "SupportsRound", "TYPE_CHECKING", "Text", "TextIO", "Tuple", "Type", "TypeAlias",
    "TypeGuard", "TypeVar", "TypeVarTuple", "TypedDict", "Union", "Unpack", "ValuesView",
    "assert_never", "assert_type", "cast", "get_args", "get_origin", "is_typeddict",
    "runtime_checkable",
)  # fmt: skip
_MARKS = (
    "it writes on the object it is given (or into a registry every later run shares), and "
    "the sandbox does not check types; leave the decorator out"
)

TABLES = {
    "dataclasses": Table(
        "dataclasses",
        (
            "Field",
            "FrozenInstanceError",
            "InitVar",
            "KW_ONLY",
            "MISSING",
            "asdict",
            "astuple",
            "dataclass",
            "field",
            "fields",
            "is_dataclass",
            "replace",
        ),
        {
            "make_dataclass": "it builds a class and its code from strings; write a class "
            "statement decorated with @dataclass",
            **left(
                IMPORTED,
                "FunctionType",
                "GenericAlias",
                "abc",
                "builtins",
                "copy",
                "functools",
                "inspect",
                "itertools",
                "keyword",
                "re",
                "sys",
                "types",
            ),
        },
        _dataclasses,
    ),
    "enum": Table(
        "enum",
        (
            "CONFORM",
            "CONTINUOUS",
            "EJECT",
            "Enum",
            "EnumCheck",
            "Flag",
            "FlagBoundary",
            "IntEnum",
            "IntFlag",
            "KEEP",
            "NAMED_FLAGS",
            "ReprEnum",
            "STRICT",
            "StrEnum",
            "UNIQUE",
            "auto",
            "member",
            "nonmember",
            "unique",
            "verify",
        ),
        {
            **left(
                "it is the metaclass of enums; derive your class from enum.Enum instead",
                "EnumMeta",
                "EnumType",
            ),
            **left(
                "it writes into the defining module's globals, which a snippet does not "
                "have; use the members through their class",
                "global_enum",
                "global_enum_repr",
                "global_flag_repr",
                "global_str",
            ),
            **left(
                "it belongs to pickling, which the sandbox does not offer",
                "pickle_by_enum_name",
                "pickle_by_global_name",
            ),
            "show_flag_values": "it is an internal helper; use list(flag) for the members",
            **left(
                "it builds descriptors for enum internals; use plain members and methods",
                "DynamicClassAttribute",
                "property",
            ),
            **left(IMPORTED, "MappingProxyType", "bin", "bltns", "reduce", "sys"),
        },
        _enum,
    ),
    "typing": Table(
        "typing",
        _TYPING_NAMES,
        {
            **left(
                "it evaluates strings as code, outside the sandbox's policy; read "
                "annotations as the objects they are",
                "get_type_hints",
                "ForwardRef",
            ),
            **left(
                _MARKS,
                "overload",
                "get_overloads",
                "clear_overloads",
                "final",
                "no_type_check",
                "no_type_check_decorator",
                "dataclass_transform",
                "abstractmethod",
            ),
            "reveal_type": "it writes to the worker's stderr, which nobody reads; print() the "
            "value instead",
            **left(
                "it is a metaclass of typing's internals; derive from NamedTuple or "
                "Protocol instead",
                "ABCMeta",
                "NamedTupleMeta",
            ),
            **left(
                "it is one of typing's internal names; use Any or a TypeVar of your own",
                "CT_co",
                "KT",
                "T",
                "T_co",
                "T_contra",
                "VT",
                "VT_co",
                "V_co",
                "EXCLUDED_ATTRIBUTES",
                "GenericAlias",
                "MethodDescriptorType",
                "MethodWrapperType",
                "WrapperDescriptorType",
            ),
            **left(
                IMPORTED,
                "collections",
                "contextlib",
                "defaultdict",
                "functools",
                "io",
                "operator",
                "re",
                "stdlib_re",
                "sys",
                "types",
                "warnings",
            ),
        },
    ),
    "datetime": Table(
        "datetime",
        (
            "MAXYEAR",
            "MINYEAR",
            "UTC",
            "date",
            "datetime",
            "time",
            "timedelta",
            "timezone",
            "tzinfo",
        ),
        {
            "datetime_CAPI": "it is a capsule of C pointers for extension modules",
            "sys": IMPORTED,
        },
        wrap=frozen_datetime,
    ),
    "pathlib": Table(
        "pathlib",
        ("PurePath", "PurePosixPath", "PureWindowsPath"),
        {
            **left(
                "it reads the file system, which the sandbox cannot; use PurePath for path "
                "arithmetic and the host functions to read files",
                "Path",
                "PosixPath",
                "WindowsPath",
            ),
            **left(
                IMPORTED,
                "EBADF",
                "ELOOP",
                "ENOENT",
                "ENOTDIR",
                "S_ISBLK",
                "S_ISCHR",
                "S_ISDIR",
                "S_ISFIFO",
                "S_ISLNK",
                "S_ISREG",
                "S_ISSOCK",
                "Sequence",
                "attrgetter",
                "fnmatch",
                "functools",
                "io",
                "ntpath",
                "os",
                "posixpath",
                "re",
                "sys",
                "urlquote_from_bytes",
                "warnings",
            ),
        },
    ),
}
"""The decision tables of this module's stand-ins, by module name."""
