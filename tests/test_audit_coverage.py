"""Every model that holds domain data keeps a history of its changes."""

from django.apps import apps

# Tables that are not domain records: the history tables themselves.
NOT_DOMAIN = {"historical"}


def test_every_platform_model_has_a_history():
    missing = []
    for model in apps.get_models():
        if not model.__module__.startswith("meks.") or model._meta.auto_created:
            continue
        if model.__name__.lower().startswith("historical"):
            continue
        if not hasattr(model, "history") and not getattr(model, "is_append_only_log", False) \
                and not getattr(model, "audit_exempt", ""):
            missing.append(model._meta.label)
    assert missing == []
