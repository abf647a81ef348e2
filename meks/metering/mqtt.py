"""MQTT ingestion from data concentrators: subscribe to a topic and ingest each message as a batch.

Delivery is at least once and ingestion idempotent, so nothing is lost or doubled across broker restarts:

* the client has a fixed id and a persistent session (``clean_session=False``) and subscribes with QoS 1, so
  the broker keeps the messages published while the client is away;
* a message is acknowledged (manual ack) only after its batch is committed; a message redelivered after a
  crash or a reconnect has the same content hash as its committed batch and changes nothing;
* when the connection drops, the client reconnects with a growing delay (1 to 30 s) until the broker is back.

Each message is one batch (source ``mqtt``); its payload is a JSON object, a JSON array or NDJSON of
readings ``{"meter": ..., "taken_at": ..., "value": ...}``.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable
from typing import Any

import paho.mqtt.client as mqtt
from django.db import close_old_connections, connection

from .choices import BatchSource
from .services import readings_ingest

logger = logging.getLogger(__name__)


class MqttIngester:
    """A subscriber that ingests the readings of every message on ``topic``."""

    def __init__(self, *, actor: Any, host: str = "127.0.0.1", port: int = 1883, topic: str = "meks/readings/#",
                 client_id: str = "meks-metering-ingest", keepalive: int = 30) -> None:
        self.actor = actor
        self.host, self.port, self.topic, self.keepalive = host, port, topic, keepalive
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=False,
                                  manual_ack=True, reconnect_on_failure=True)
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.client.on_disconnect = self._on_disconnect
        self.connected = False
        self.messages = 0
        self.batches: list[int] = []

    def _on_connect(self, client: mqtt.Client, userdata: Any, flags: Any, reason_code: Any, properties: Any) -> None:
        if reason_code.is_failure:
            logger.warning("MQTT connection refused: %s", reason_code)
            return
        self.connected = True
        client.subscribe(self.topic, qos=1)
        logger.info("MQTT connected to %s:%s, subscribed to %s", self.host, self.port, self.topic)

    def _on_disconnect(self, client: mqtt.Client, userdata: Any, flags: Any, reason_code: Any,
                       properties: Any) -> None:
        self.connected = False
        logger.warning("MQTT disconnected (%s); reconnecting", reason_code)

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        if not connection.in_atomic_block:  # a long-running subscriber: drop a stale connection first
            close_old_connections()
        try:
            result = readings_ingest(actor=self.actor, source=BatchSource.MQTT, stream=io.BytesIO(message.payload),
                                     filename=message.topic)
        except Exception:  # a message that cannot be ingested must not stop the subscriber
            logger.exception("MQTT message on %s could not be ingested", message.topic)
            client.ack(message.mid, message.qos)
            return
        self.messages += 1
        if not result.repeated:
            self.batches.append(result.batch.pk)
        client.ack(message.mid, message.qos)

    def _connect(self) -> bool:
        try:
            self.client.connect(self.host, self.port, keepalive=self.keepalive)
            return True
        except OSError as error:
            logger.warning("MQTT broker %s:%s unavailable: %s", self.host, self.port, error)
            return False

    def run(self, *, stop: Callable[[], bool] | None = None, max_seconds: float | None = None) -> None:
        """Serve until ``stop()`` is true or ``max_seconds`` have passed (forever when neither is given)."""
        started = time.monotonic()
        delay = 1.0
        connected_once = self._connect()
        while True:
            if stop is not None and stop():
                break
            if max_seconds is not None and time.monotonic() - started > max_seconds:
                break
            if not connected_once:
                time.sleep(min(delay, 0.5) if stop else delay)
                delay = min(delay * 2, 30.0)
                connected_once = self._connect()
                continue
            code = self.client.loop(timeout=0.2)
            if code != mqtt.MQTT_ERR_SUCCESS:
                time.sleep(min(delay, 0.5) if stop else delay)
                delay = min(delay * 2, 30.0)
                try:
                    self.client.reconnect()
                    delay = 1.0
                except OSError as error:
                    logger.info("MQTT reconnect failed: %s", error)
        try:
            self.client.disconnect()
        except Exception:  # already gone
            logger.debug("MQTT disconnect failed", exc_info=True)
