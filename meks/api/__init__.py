"""The REST API under /api/v1/: one module per domain, scoped by the same selectors as the pages."""
