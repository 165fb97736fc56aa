"""The project's Celery app with the broker options that make a killed worker's unacknowledged
messages come back within seconds (FIELD-NOTES), for the fault tests' worker processes."""

from config.celery import app

app.conf.broker_transport_options = {
    "visibility_timeout": 10,
    "unacked_restore_interval": 2,
    "unacked_restore_throttle": 1,
}

__all__ = ["app"]
