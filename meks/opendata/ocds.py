"""OCDS 1.1.5 release packages: the hook procurement plugs into when it lands.

Procurement is not kept on the platform yet, so nothing is published in OCDS. What is ready: the
identifiers (``OCID_PREFIX``), a package wrapper and the offline validation of a release package against
the official 1.1.5 schema vendored in ``standards/ocds-1.1.5/``. A procurement module builds its releases,
wraps them with ``release_package`` and its tests check ``release_package_errors(...) == []``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from .oc4ids import PUBLISHER
from .validation import STANDARDS, validation_errors

OCDS_VERSION = "1.1"
#: The prefix of every contracting process identifier (to be registered with the Open Contracting Partnership).
OCID_PREFIX = "ocds-meks-"
OCDS_RELEASE_PACKAGE_SCHEMA = STANDARDS / "ocds-1.1.5" / "release-package-schema.json"


def release_package(releases: list[dict[str, Any]], *, uri: str, published: dt.datetime | None = None
                    ) -> dict[str, Any]:
    """An OCDS 1.1 release package of ``releases`` (``published`` defaults to now)."""
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": timezone.localtime(published or timezone.now()).isoformat(),
        "publisher": dict(PUBLISHER),
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "releases": releases,
    }


def release_package_errors(package: dict[str, Any]) -> list[str]:
    """Errors of an OCDS 1.1.5 release package against the official schema (empty when valid)."""
    return validation_errors(package, OCDS_RELEASE_PACKAGE_SCHEMA)
