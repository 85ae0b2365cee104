"""The read models' class decorator: frozen, keyword-only dataclasses, made late and cheaply.

`dataclass` writes and compiles six methods per class (`__init__`, `__repr__`, `__eq__`,
`__hash__`, `__setattr__`, `__delattr__`): about 4 M instructions a class. For the 21 read models
at import that was 90 M instructions (12 ms of CPU) of every start, most of it for models the
first frame never builds. Here a class is made a dataclass when its first instance is built,
with its fields (so `dataclasses.fields`, `replace` and `asdict` work), one compiled `__init__`
(keyword-only, defaults and default factories as `dataclass` has them) and shared methods that
behave as the generated ones: equal when of the same class with equal fields, hashed by the
fields, `Name(field=value, ...)` as repr, and every assignment or deletion refused with
`dataclasses.FrozenInstanceError`. No slots: they need a new class, and the class must stay the
one every module has imported already.
"""

from __future__ import annotations

import dataclasses
import reprlib
import threading
from dataclasses import MISSING, FrozenInstanceError, field
from typing import Any, TypeVar, dataclass_transform

_Model = TypeVar("_Model")

_MAKING = threading.Lock()  # reads build models on their own threads


def _values(model: Any) -> tuple[Any, ...]:
    return tuple(getattr(model, name) for name in model.__model_fields__)


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        return _values(self) == _values(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(_values(self))


@reprlib.recursive_repr()
def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__model_fields__)
    return f"{self.__class__.__qualname__}({shown})"


def _setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _make(cls: type) -> None:
    names = [name for name in cls.__dict__.get("__annotations__", {})]
    if cls.__doc__ is None:  # else dataclass asks inspect.signature for one
        cls.__doc__ = f"{cls.__name__}({', '.join(names)})"
    dataclasses.dataclass(init=False, repr=False, eq=False, kw_only=True)(cls)  # the fields alone
    fields = dataclasses.fields(cls)
    scope: dict[str, Any] = {"_set": object.__setattr__, "_MISSING": MISSING}
    parameters, body = [], []
    for each in fields:
        value = each.name
        if each.default is not MISSING:
            scope[f"_default_{each.name}"] = each.default
            parameters.append(f"{each.name}=_default_{each.name}")
        elif each.default_factory is not MISSING:
            scope[f"_factory_{each.name}"] = each.default_factory
            parameters.append(f"{each.name}=_MISSING")
            value = f"_factory_{each.name}() if {each.name} is _MISSING else {each.name}"
        else:
            parameters.append(each.name)
        body.append(f"    _set(self, {each.name!r}, {value})\n")
    star = "*, " if parameters else ""
    exec(f"def __init__(self, {star}{', '.join(parameters)}):\n{''.join(body) or '    pass'}\n", scope)
    init = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    made: tuple[tuple[str, object], ...] = (
        ("__model_fields__", tuple(each.name for each in fields)), ("__init__", init), ("__repr__", _repr),
        ("__eq__", _eq), ("__hash__", _hash), ("__setattr__", _setattr), ("__delattr__", _delattr))
    for name, attribute in made:
        setattr(cls, name, attribute)


# A decorator function marked with dataclass_transform, not a `dataclass(...)` alias, so type
# checkers see the fields, keyword-only and frozen.
@dataclass_transform(frozen_default=True, kw_only_default=True, field_specifiers=(field,))
def read_model(cls: type[_Model]) -> type[_Model]:
    if cls.__bases__ != (object,):  # a base made later than its subclass would lose its fields
        raise TypeError(f"read model {cls.__name__} inherits: read models are flat")

    def first_init(self: Any, *args: Any, **kwargs: Any) -> None:
        with _MAKING:
            if cls.__dict__.get("__init__") is first_init:  # not made yet (or by another thread)
                delattr(cls, "__init__")
                _make(cls)
        cls.__init__(self, *args, **kwargs)

    cls.__init__ = first_init  # type: ignore[method-assign]
    return cls
