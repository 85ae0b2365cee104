"""The read models (db/store/read_models.py): frozen, keyword-only dataclasses, made when first
built so that a start does not compile the methods of models its first frame never shows."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import threading
import typing
from dataclasses import field

import pytest
from techstance.db.store.read_models import ActorInfo, SearchResults, read_model


def test_importing_the_read_models_compiles_no_code() -> None:
    # dataclass() compiles each generated method from a string ('<string>'); at import that was
    # about 120 compiles, 12 ms of every start. (dataclasses itself, which Textual imports anyway,
    # makes named tuples as it is imported: imported first.)
    probe = (
        "import dataclasses, sys\n"
        "compiled = []\n"
        "sys.addaudithook(lambda event, args: compiled.append(args) if event == 'compile'"
        " and args[1] == '<string>' else None)\n"
        "import techstance.db.store.read_models\n"
        "print(len(compiled))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


def test_a_model_is_a_frozen_keyword_only_dataclass_once_built() -> None:
    actor = ActorInfo(id="a", name="Ann", kind="person", role=None, affiliation=None, country=None)
    assert dataclasses.is_dataclass(actor)
    assert actor == ActorInfo(id="a", name="Ann", kind="person", role=None, affiliation=None, country=None)
    assert actor != dataclasses.replace(actor, name="Bob")
    assert hash(actor) == hash(dataclasses.replace(actor))
    assert repr(actor).startswith("ActorInfo(id='a', name='Ann'")
    with pytest.raises(dataclasses.FrozenInstanceError):
        actor.name = "Bob"  # type: ignore[misc]
    with pytest.raises(TypeError):
        ActorInfo("a", "Ann", "person", None, None, None)  # type: ignore[misc]
    with pytest.raises(TypeError):
        ActorInfo(id="a")  # type: ignore[call-arg]
    first, second = SearchResults(hits=[]), SearchResults(hits=[])
    assert first.counts == {} and first.counts is not second.counts  # default_factory, per instance


def test_models_built_first_on_several_threads_at_once_are_all_whole() -> None:
    @read_model
    class Fresh:
        a: int
        b: list[int] = field(default_factory=list)

    start = threading.Barrier(8)
    built: list[typing.Any] = []

    def build(n: int) -> None:
        start.wait()
        built.append(Fresh(a=n))

    threads = [threading.Thread(target=build, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(m.a for m in built) == list(range(8))
    assert all(m.b == [] for m in built)
    assert len({id(m.b) for m in built}) == 8


def test_a_read_model_may_not_inherit() -> None:
    class Base:
        pass

    with pytest.raises(TypeError, match="flat"):
        @read_model
        class Child(Base):
            a: int


def test_a_models_first_build_compiles_one_function_its_init() -> None:
    # dataclass() compiled six per class (4 M instructions); the other five are shared.
    probe = (
        "import dataclasses, sys\n"
        "from techstance.db.store.read_models import ActorInfo\n"
        "compiled = []\n"
        "sys.addaudithook(lambda event, args: compiled.append(args) if event == 'compile'"
        " and args[1] == '<string>' else None)\n"
        "for n in range(3):\n"
        "    ActorInfo(id=str(n), name='n', kind='person', role=None, affiliation=None, country=None)\n"
        "print(len(compiled))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1"


def test_defaults_factories_equality_hash_and_repr_are_a_dataclasses() -> None:
    @read_model
    class Made:
        a: int
        b: str | None = None
        c: list[int] = field(default_factory=list)
        d: int = field(default=4)

    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Reference:
        a: int
        b: str | None = None
        c: list[int] = field(default_factory=list)
        d: int = field(default=4)

    for kwargs in ({"a": 1}, {"a": 1, "b": "x"}, {"a": 2, "c": [1, 2], "d": 0}):
        made, reference = Made(**kwargs), Reference(**kwargs)  # type: ignore[arg-type]
        assert dataclasses.asdict(made) == dataclasses.asdict(reference)
        assert repr(made).split("(", 1)[1] == repr(reference).split("(", 1)[1]
        assert made == Made(**kwargs) and made != Reference(**kwargs)  # type: ignore[arg-type]
        assert dataclasses.replace(made, a=9) == Made(**{**kwargs, "a": 9})  # type: ignore[arg-type]
    assert hash(Made(a=1, b="x", c=[], d=0).b) == hash("x")
    with pytest.raises(TypeError, match="unhashable"):  # a list field, as a frozen dataclass's
        hash(Made(a=1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        del Made(a=1).a
    with pytest.raises(TypeError, match="unexpected keyword argument 'e'"):
        Made(a=1, e=2)  # type: ignore[call-arg]
    assert [f.name for f in dataclasses.fields(Made)] == ["a", "b", "c", "d"]
