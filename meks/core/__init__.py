"""Shared kernel: base model, audit trail, access primitives, money and working-day helpers, periodic jobs."""
