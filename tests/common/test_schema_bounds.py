"""Every text field of every wire schema has a length limit and refuses what cannot be stored: an unbounded
`str` anywhere in common/schemas fails here, so a new field cannot reopen the memory and 500 holes of issue 10."""

import importlib
import pkgutil
import typing

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

import common.schemas
from common.schemas.base import TEXT_MAX, LongText, Text, Timezone


def _schema_models() -> list[type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    for info in pkgutil.iter_modules(common.schemas.__path__):
        module = importlib.import_module(f"common.schemas.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, BaseModel) and value.__module__ == module.__name__:
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return sorted(found.values(), key=lambda m: m.__name__)


def _unbounded_strings(annotation: object, metadata: list[object]) -> bool:
    """True when `annotation` contains a `str` with no max length (in `metadata` or its own Annotated)."""
    if annotation is str:
        return not any(getattr(m, "max_length", None) is not None for m in metadata)
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner, *extra = typing.get_args(annotation)
        return _unbounded_strings(inner, [*metadata, *extra])
    return any(_unbounded_strings(arg, []) for arg in typing.get_args(annotation))


MODELS = _schema_models()


def test_the_walk_finds_the_schemas():
    names = {m.__name__ for m in MODELS}
    assert {"LoginRequest", "PatientCreate", "VisitOut", "ErrorOut", "ClinicCreate"} <= names
    assert len(MODELS) > 40


@pytest.mark.parametrize("model", MODELS, ids=[m.__name__ for m in MODELS])
def test_every_text_field_is_bounded(model):
    unbounded = [
        name for name, field in model.model_fields.items() if _unbounded_strings(field.annotation, [*field.metadata])
    ]
    assert not unbounded, f"{model.__name__}: unbounded str in {unbounded}; use a type from common/schemas/base.py"


def test_the_walk_catches_a_bare_str():
    class Careless(BaseModel):
        ok: typing.Annotated[str, Text(10)]
        bad: list[str | None]

    assert _unbounded_strings(Careless.model_fields["bad"].annotation, [])
    assert not _unbounded_strings(Careless.model_fields["ok"].annotation, list(Careless.model_fields["ok"].metadata))


@pytest.mark.parametrize("value", ["a\x00b", "a\ud800b", "\udfff", "x" * (TEXT_MAX + 1)])
def test_text_that_cannot_be_stored_is_refused(value):
    with pytest.raises(ValidationError):
        TypeAdapter(LongText).validate_python(value)


def test_storable_text_passes_unchanged():
    text = "Ölçüm 😀 \u200b\ttab\nnew line"
    assert TypeAdapter(LongText).validate_python(text) == text


@pytest.mark.parametrize("zone", ["Nowhere/City", "x" * 300, "../../etc/passwd", ""])
def test_a_timezone_must_be_a_known_iana_key(zone):
    with pytest.raises(ValidationError):
        TypeAdapter(Timezone).validate_python(zone)
    assert TypeAdapter(Timezone).validate_python("Pacific/Kiritimati") == "Pacific/Kiritimati"
