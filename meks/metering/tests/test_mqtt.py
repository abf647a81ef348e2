"""MQTT ingestion against a real Mosquitto started by the test, killed and started again mid-stream."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
import uuid

import pytest

from meks.core.testing.gates import unavailable
from meks.metering.models import Reading, ReadingBatch

pytestmark = pytest.mark.django_db
MOSQUITTO = os.environ.get("MEKS_MOSQUITTO", "/usr/sbin/mosquitto")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Broker:
    """A throw-away Mosquitto with persistence in ``directory`` on ``port``."""

    def __init__(self, directory, port):
        self.port = port
        self.config = directory / "mosquitto.conf"
        self.config.write_text(
            f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence true\n"
            f"persistence_location {directory}/\nuser root\n"
        )
        self.process = None

    def start(self):
        self.process = subprocess.Popen([MOSQUITTO, "-c", str(self.config)], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("mosquitto did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def publish(port, messages):
    import paho.mqtt.client as mqtt

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"pub-{uuid.uuid4().hex[:8]}")
    client.connect("127.0.0.1", port)
    client.loop_start()
    for topic, payload in messages:
        client.publish(topic, payload, qos=1).wait_for_publish(5)
    client.loop_stop()
    client.disconnect()


def message(serial, day, value):
    return ("meks/readings/c1", json.dumps({"meter": serial, "taken_at": f"2026-01-{day:02d}T10:00:00+05:00",
                                            "value": value}))


def test_mqtt_ingests_and_survives_a_broker_restart(world, demo, tmp_path):
    if not shutil.which(MOSQUITTO):
        unavailable(f"needs the mosquitto binary at {MOSQUITTO}")
    from meks.metering.mqtt import MqttIngester

    broker = Broker(tmp_path, free_port())
    broker.start()
    ingester = MqttIngester(actor=demo["utility"], port=broker.port, client_id=f"meks-test-{uuid.uuid4().hex[:8]}")
    done = threading.Event()
    failure = []

    def wait_for(condition, seconds=20):
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError
            time.sleep(0.05)

    def scenario():
        try:
            wait_for(lambda: ingester.connected)
            publish(broker.port, [message("F-1", 1, "10"), message("F-1", 2, "11")])
            wait_for(lambda: ingester.messages >= 2)
            broker.stop()
            wait_for(lambda: not ingester.connected)
            broker.start()
            # published right after the restart: delivered whether the subscriber is back yet or not
            publish(broker.port, [message("F-1", 3, "12"), message("F-1", 2, "11"), message("F-2", 3, "5")])
            wait_for(lambda: ingester.messages >= 5)
        except Exception as error:  # reported by the main thread
            failure.append(error)
        finally:
            done.set()

    thread = threading.Thread(target=scenario, daemon=True)
    thread.start()
    try:
        ingester.run(stop=done.is_set, max_seconds=60)
    finally:
        broker.stop()
        thread.join(5)
    assert not failure, failure
    assert sorted(Reading.objects.values_list("meter__serial", "value")) == [
        ("F-1", 10), ("F-1", 11), ("F-1", 12), ("F-2", 5)]
    assert ReadingBatch.objects.filter(source="mqtt").count() == 4  # the repeated message made no batch
