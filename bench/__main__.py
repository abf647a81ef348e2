"""Run every benchmark module in bench/ (or those named): ``python -m bench [module ...]``."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

from bench.harness import setup_django


def main(names: list[str]) -> None:
    setup_django()
    from django.db import connection
    from django.test.utils import get_runner  # noqa: F401  (imports the test machinery)

    modules = names or sorted(
        info.name for info in pkgutil.iter_modules([str(Path(__file__).parent)]) if not info.name.startswith("_") and info.name != "harness"
    )
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        for name in modules:
            module = importlib.import_module(f"bench.{name}")
            module.run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main(sys.argv[1:])
