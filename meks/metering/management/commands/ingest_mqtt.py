"""Subscribe to the MQTT broker and ingest the readings data concentrators publish."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from meks.metering.mqtt import MqttIngester


class Command(BaseCommand):
    help = "Subscribe to an MQTT topic (QoS 1, persistent session) and ingest each message's readings."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=1883)
        parser.add_argument("--topic", default="meks/readings/#")
        parser.add_argument("--client-id", default="meks-metering-ingest")
        parser.add_argument("--user", required=True,
                            help="User name the readings are submitted as (a utility user or the technical operator).")
        parser.add_argument("--seconds", type=float, default=None, help="Stop after this many seconds.")

    def handle(self, *args, **options):
        try:
            actor = get_user_model().objects.get(username=options["user"], is_active=True)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"no active user {options['user']!r}") from error
        ingester = MqttIngester(actor=actor, host=options["host"], port=options["port"], topic=options["topic"],
                                client_id=options["client_id"])
        self.stdout.write(f"listening on {options['host']}:{options['port']} {options['topic']}")
        ingester.run(max_seconds=options["seconds"])
        self.stdout.write(f"{ingester.messages} messages, {len(ingester.batches)} new batches")
