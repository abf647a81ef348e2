"""A read-only API field of a blank-able model field must say that it may be blank.

DRF drops ``allow_blank`` from the fields it builds for ``read_only_fields``, so the schema of an e-mail or
a choice that is empty in the database says "an e-mail" or "one of …" while the answer carries "". The API
fuzzer found this three times (organizations, settlements, contractors); this test finds the next one in
milliseconds, in every API module, present and future.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from rest_framework import serializers

import meks.api


def api_model_serializers():
    for module_info in pkgutil.iter_modules(meks.api.__path__):
        module = importlib.import_module(f"meks.api.{module_info.name}")
        for cls in vars(module).values():
            if (inspect.isclass(cls) and issubclass(cls, serializers.ModelSerializer) and cls.__module__ == module.__name__
                    and hasattr(cls, "Meta")):
                yield cls


def test_read_only_fields_of_blank_model_fields_admit_the_empty_string():
    checked, wrong = 0, []
    for serializer_class in api_model_serializers():
        model = serializer_class.Meta.model
        for name, field in serializer_class().fields.items():
            source = field.source if field.source and field.source != "*" else name
            try:
                model_field = model._meta.get_field(source)
            except FieldDoesNotExist:  # a computed or nested field: not built from a model field
                continue
            if not (field.read_only and isinstance(model_field, models.CharField | models.TextField)
                    and model_field.blank):
                continue
            checked += 1
            # Free text admits "" anyway; a choice or a format (e-mail, URL, slug) does not unless told.
            constrained = model_field.choices or isinstance(model_field, models.EmailField | models.URLField
                                                              | models.SlugField)
            if constrained and not getattr(field, "allow_blank", False):
                wrong.append(f"{serializer_class.__module__}.{serializer_class.__name__}.{name}")
    assert checked > 20
    assert not wrong, "declare these with allow_blank=True: " + ", ".join(wrong)
