"""Offline validation of open-data packages against the official schemas vendored in ``standards/``.

Each schema names itself with an ``id`` URI on the standard's site and refers to the others by those
URIs; a ``referencing`` registry maps every one of them to the local file, and nothing else resolves,
so validation never reaches the network (an unknown reference fails instead).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

STANDARDS = Path(__file__).resolve().parent / "standards"
OC4IDS_DIR = STANDARDS / "oc4ids-0.9.4"
OC4IDS_PROJECT_SCHEMA = OC4IDS_DIR / "project-schema.json"
OC4IDS_PACKAGE_SCHEMA = OC4IDS_DIR / "project-package-schema.json"


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=8)
def _registry(directory: Path) -> Registry:
    """Every JSON schema of ``directory``, registered under its own ``id``/``$id`` and its file name."""
    resources = []
    for path in sorted(directory.glob("*.json")):
        contents = _load(path)
        resource = Resource.from_contents(contents, default_specification=DRAFT4)
        uri = contents.get("$id") or contents.get("id")
        if uri:
            resources.append((uri, resource))
        resources.append((path.name, resource))
    return Registry().with_resources(resources)


def _validator(schema_path: Path) -> Draft4Validator:
    return Draft4Validator(_load(schema_path), registry=_registry(schema_path.parent),
                           format_checker=Draft4Validator.FORMAT_CHECKER)


def validation_errors(document: dict[str, Any], schema_path: Path) -> list[str]:
    """Every error of ``document`` against the schema at ``schema_path``, each with its JSON path."""
    return [f"{error.json_path}: {error.message}"
            for error in sorted(_validator(schema_path).iter_errors(document), key=lambda e: list(e.absolute_path))]


def oc4ids_project_errors(record: dict[str, Any]) -> list[str]:
    """Errors of one OC4IDS 0.9.4 project record (empty when valid)."""
    return validation_errors(record, OC4IDS_PROJECT_SCHEMA)


def oc4ids_package_errors(package: dict[str, Any]) -> list[str]:
    """Errors of an OC4IDS 0.9.4 project package (empty when valid)."""
    return validation_errors(package, OC4IDS_PACKAGE_SCHEMA)
