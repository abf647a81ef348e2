"""The production settings as they are, except that static files are served from the source folders.

The fault tests start the platform under gunicorn with these settings; collecting and compressing the
static files for the manifest storage would take a minute and has nothing to do with the faults.
Database settings (``CONN_MAX_AGE``, ``CONN_HEALTH_CHECKS``), error pages and Celery are production's own.
"""

from config.settings.production import *  # noqa: F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# A live worker sweeps the broker for messages of dead workers every unacked_restore_interval x throttle
# seconds (100 by default) once their visibility timeout has passed; the test cannot wait that long.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
