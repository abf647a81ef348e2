"""Fixtures shared by the whole suite: users of each demo role, clients signed in as them."""

from __future__ import annotations

pytest_plugins = ["meks.demo.fixtures"]
