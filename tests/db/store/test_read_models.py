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
