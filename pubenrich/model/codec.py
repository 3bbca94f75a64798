"""The records' dict form (``to_dict``/``from_dict``) and their code-generated constructors.

The constructors are compiled once per class (``exec`` over its field names) rather than
walking the fields per value: the cache reads back tens of thousands of records a second and
the XML parser builds some 800,000 small records per 10,000-record body, so the per-value cost
decides. Keeping them in one module keeps the generated code in one place to read.

The codec knows attrs and the identifiers, not the record classes: ``records`` imports it (its
top-level records derive from :class:`Serializable`), never the other way round, so there is no
import cycle and no import deferred to call time on the cache's hot path.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Callable, Collection, Mapping
from typing import Any, ClassVar, TypeVar, Union

import attrs

from pubenrich.errors import ParseError
from pubenrich.model.identifiers import DOI, PMCID, PMID

__all__ = ["SCHEMA_VERSION", "Serializable", "slot_constructor"]

_T = TypeVar("_T", bound=attrs.AttrsInstance)

Converter = Callable[[Any], Any]

_IDS = (PMID, PMCID, DOI)
# The keys a top-level record's dict holds besides its fields (``from_dict`` checks them).
_TAGS = ("type", "schema")

_REQUIRED = object()

# The version of the dict form. Bump it when a record's fields change so that dicts written
# before cannot be read as they are: a cache of the old form is then invalidated, not misread.
# 2: the journal's country, MedlineTA and cited medium, the citation's dates, subsets, other ids
# and abstracts, notes, and the book's volume, edition, series, keywords and history. A cache
# entry of version 1 is a miss (fetched again); a mirror row of version 1 is a ParseError that
# the record service logs and answers from NCBI, until the mirror is built again.
SCHEMA_VERSION = 2


class Serializable:
    """``to_dict`` / ``from_dict`` for the record types (JSON-safe, stable names)."""

    record_type: ClassVar[str]

    def to_dict(self) -> dict[str, Any]:
        """The record as a JSON-safe dict with ``type`` and ``schema``."""
        data: dict[str, Any] = {"type": self.record_type, "schema": SCHEMA_VERSION}
        data.update(_unstructure(self))
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, trusted: bool = False) -> Any:
        """Read back what ``to_dict`` wrote.

        Args:
            data: a dict of ``to_dict``'s form.
            trusted: ``data`` is ``to_dict``'s own output read back (a cache entry), so the
                per-field type tests are skipped; the type, the schema version and every
                nested value are still read as usual.

        Raises:
            ParseError: another type, another schema version, or values of the wrong shape.
        """
        if data.get("type") != cls.record_type:
            raise ParseError(f"expected a {cls.record_type!r} record, got {data.get('type')!r}")
        if data.get("schema") != SCHEMA_VERSION:
            raise ParseError(
                f"record schema {data.get('schema')!r} is not this version's {SCHEMA_VERSION}"
            )
        kind: Any = cls
        try:  # the record's builder leaves out "type" and "schema"
            return _converter(kind, trusted=trusted)(data if type(data) is dict else dict(data))
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            raise ParseError(f"cannot read a {cls.record_type} record: {exc}") from exc


def slot_constructor(cls: type[_T], checked: Collection[str] = ()) -> Callable[..., _T]:
    """A constructor of ``cls`` from every field, positionally, for the parser's hottest types.

    A 10,000-record body builds some 800,000 ``Reference`` and ``ArticleId`` objects; the
    attrs-generated ``__init__`` of a frozen class sets each field through a bound
    ``object.__setattr__``, and the slots' own setters take a third less time. Only for classes
    whose fields have no validator, converter or ``__attrs_post_init__`` (checked here, so a
    validator added later fails at import instead of being skipped), except the validated
    fields named in ``checked``: the caller promises to pass only values their validators
    accept (the XML reader's dates, whose month and day it range-checks itself).
    """
    fields = attrs.fields(cls)
    unknown = set(checked) - {f.name for f in fields}
    if unknown:
        raise TypeError(f"{cls.__name__} has no field {sorted(unknown)[0]!r}")
    validated = [f for f in fields if f.converter or (f.validator and f.name not in checked)]
    if validated or hasattr(cls, "__attrs_post_init__"):
        raise TypeError(f"{cls.__name__} validates its fields; build it with its __init__")
    names = [f.name for f in fields]
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls}
    namespace.update({f"set_{n}": cls.__dict__[n].__set__ for n in names})
    body = "".join(f"    set_{n}(o, {n})\n" for n in names)
    source = f"def make({', '.join(names)}):\n    o = new(cls)\n{body}    return o\n"
    exec(source, namespace)  # noqa: S102 - source built from attrs field names only
    make: Callable[..., _T] = namespace["make"]
    return make


@functools.cache
def _defaults(cls: Any) -> tuple[tuple[str, Any], ...]:
    """Each field's name and default value (``_REQUIRED`` when it has none)."""
    out = []
    for f in attrs.fields(cls):
        if f.default is attrs.NOTHING:
            out.append((f.name, _REQUIRED))
        elif isinstance(f.default, attrs.Factory):  # type: ignore[arg-type]
            out.append((f.name, f.default.factory()))
        else:
            out.append((f.name, f.default))
    return tuple(out)


def _unstructure(value: Any) -> Any:
    """The JSON form of ``value``: records as dicts, tuples as lists, identifiers as strings."""
    if isinstance(value, _IDS):
        return value.value
    if attrs.has(type(value)):
        # Fields still at their default are left out: from_dict restores them, and a smaller
        # dict is faster to store, read and rebuild (the cache serves thousands a second).
        out = {}
        kind: Any = type(value)
        for name, default in _defaults(kind):
            field_value = getattr(value, name)
            if default is _REQUIRED or field_value != default:
                out[name] = _unstructure(field_value)
        return out
    if isinstance(value, tuple | list):
        return [_unstructure(v) for v in value]
    return value


@functools.cache
def _converter(kind: Any, *, trusted: bool = False) -> Converter:
    """A function that builds a value of ``kind`` from its JSON form, made once per type.

    Compiling the walk over the type once (rather than inspecting types per value) is what
    lets a cache serve tens of thousands of records a second.
    """
    origin = typing.get_origin(kind)
    if origin in (Union, types.UnionType):
        (inner,) = [a for a in typing.get_args(kind) if a is not type(None)]
        convert = _converter(inner, trusted=trusted)
        return lambda value: None if value is None else convert(value)
    if origin is tuple:
        item = _converter(typing.get_args(kind)[0], trusted=trusted)

        def sequence(value: Any) -> tuple[Any, ...]:
            if not isinstance(value, list | tuple):
                raise TypeError(f"expected a list, got {type(value).__name__}")
            return tuple(map(item, value))

        return sequence
    if kind in _IDS:
        return _trusted_id(kind) if trusted else typing.cast(Converter, kind)
    if isinstance(kind, type) and attrs.has(kind):
        return _builder(kind, trusted=trusted)
    if kind in (int, str, bool):

        def scalar(value: Any) -> Any:
            if type(value) is not kind:
                raise TypeError(f"expected {kind.__name__}, got {value!r}")
            return value

        return scalar
    return lambda value: value


def _builder(kind: type, *, trusted: bool = False) -> Converter:
    """Compile a builder of the attrs class ``kind`` from its JSON object.

    The generated function converts each field inline (a nested builder for records, a
    comprehension for tuples) and calls the class once, at a fraction of the calls per value
    of a generic walk. Checked, it tests every scalar's type and refuses unknown fields, as
    ``from_dict`` promises; ``trusted`` (for dicts this library's ``to_dict`` wrote) skips
    those tests and converts only what needs converting. A field left out of the dict that
    has a factory default gets one shared default instance (records are frozen), rather than
    a new one per record. Nested converters are bound on first use: types may nest themselves.
    """
    name = kind.__name__
    hints = typing.get_type_hints(kind)
    tags = _TAGS if issubclass(kind, Serializable) else ()  # checked by from_dict
    names = frozenset([*(f.name for f in attrs.fields(kind)), *tags])
    namespace: dict[str, Any] = {
        "_kind": kind,
        "_names": names,
        "_missing": _REQUIRED,
        "_list_error": _list_error,
        "_scalar_error": _scalar_error,
    }
    lines = ["def build(value):"]
    if not trusted:
        lines += [
            "    if type(value) is not dict:",
            f"        raise TypeError('expected an object for {name}')",
            "    if not value.keys() <= _names:",
            f"        raise KeyError(f'unknown field {{sorted(value.keys() - _names)[0]!r}} "
            f"for {name}')",
        ]
    lines += ["    kw = value.copy()", "    get = value.get"]
    lines += [f"    kw.pop({tag!r}, None)" for tag in tags]
    defaults = dict(_defaults(kind))
    for index, field in enumerate(attrs.fields(kind)):
        code = _field_code(field.name, hints[field.name], index, namespace, trusted=trusted)
        shared = isinstance(field.default, attrs.Factory) and _immutable(  # type: ignore[arg-type]
            defaults[field.name]
        )
        if not code and not shared:
            continue
        lines.append(f"    v = get({field.name!r}, _missing)")
        lines.append("    if v is not _missing:")
        lines.extend("        " + line for line in code or ["pass"])
        if shared:
            namespace[f"_d{index}"] = defaults[field.name]
            lines += ["    else:", f"        kw[{field.name!r}] = _d{index}"]
    lines.append("    return _kind(**kw)")
    exec("\n".join(lines), namespace)  # noqa: S102 - the text is made here from field names
    return typing.cast(Converter, namespace["build"])


def _field_code(
    field: str, hint: Any, index: int, namespace: dict[str, Any], *, trusted: bool
) -> list[str]:
    """Lines that check ``v`` (present in the dict) and store its converted form in ``kw``."""
    optional = False
    if typing.get_origin(hint) in (Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(hint)) == 2:
            optional, hint = True, args[0]
    guard = "v is not None and " if optional else ""
    unless_none = "None if v is None else " if optional else ""
    if hint in (int, str, bool):
        if trusted:
            return []
        namespace[f"_t{index}"] = hint
        return [f"if {guard}type(v) is not _t{index}:", f"    _scalar_error(_t{index}, v)"]
    if typing.get_origin(hint) is tuple and len(typing.get_args(hint)) == 2:
        item = typing.get_args(hint)[0]
        check = (
            []
            if trusted
            else [f"if {guard}type(v) is not list and type(v) is not tuple:", "    _list_error(v)"]
        )
        if item in (int, str, bool):
            namespace[f"_t{index}"] = item
            if not trusted:
                check += [
                    "for x in v:",
                    f"    if type(x) is not _t{index}:",
                    f"        _scalar_error(_t{index}, x)",
                ]
            return [*check, f"kw[{field!r}] = {unless_none}tuple(v)"]
        _lazy(namespace, f"_c{index}", item, trusted=trusted)
        return [*check, f"kw[{field!r}] = {unless_none}tuple([_c{index}(x) for x in v])"]
    _lazy(namespace, f"_c{index}", hint, trusted=trusted)
    return [f"kw[{field!r}] = {unless_none}_c{index}(v)"]


def _immutable(value: Any) -> bool:
    """True when ``value`` can be shared by records: a frozen record of immutable values, or
    an immutable builtin (a factory default such as a dict must stay one per record)."""
    if isinstance(value, str | bytes | int | float | frozenset) or value is None:
        return True
    if isinstance(value, tuple):
        return all(map(_immutable, value))
    if not attrs.has(type(value)):
        return False
    fields = attrs.fields(type(value))
    if fields:
        try:  # a frozen class refuses; setting a field to itself changes nothing otherwise
            setattr(value, fields[0].name, getattr(value, fields[0].name))
        except attrs.exceptions.FrozenInstanceError:
            return all(_immutable(getattr(value, f.name)) for f in fields)
    return False


def _lazy(namespace: dict[str, Any], slot: str, kind: Any, *, trusted: bool) -> None:
    """Put in ``slot`` a converter of ``kind`` that is made at its first call."""

    def first(value: Any) -> Any:
        convert = _converter(kind, trusted=trusted)
        namespace[slot] = convert
        return convert(value)

    namespace[slot] = first


def _trusted_id(kind: type[PMID | PMCID | DOI]) -> Converter:
    """Make identifiers from their stored normalized form without normalizing them again (a
    PMCID's normalization costs more than the rest of its record's fields)."""
    new = object.__new__
    set_value = object.__setattr__  # the identifiers are frozen

    def trusted(value: Any) -> Any:
        if type(value) is not str:
            raise TypeError(f"expected a {kind.__name__} string, got {value!r}")
        ident = new(kind)
        set_value(ident, "value", value)
        return ident

    return trusted


def _list_error(value: Any) -> typing.NoReturn:
    raise TypeError(f"expected a list, got {type(value).__name__}")


def _scalar_error(kind: type, value: Any) -> typing.NoReturn:
    raise TypeError(f"expected {kind.__name__}, got {value!r}")
