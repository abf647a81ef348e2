"""Test helpers used across the domains: gates for real services, the permission matrix, factories."""
