"""The MEKS platform: one package per domain, laid out as in docs/architecture.md."""
