"""Helpers of the Avro/Parquet scenarios: a local Schema Registry responder with payloads
encoded by python3-avro. No real Schema Registry can run here (it is a JVM service), so
tests/columnar/fake_registry.py implements its documented endpoints instead."""
import os
import subprocess
import sys

import harness

COLUMNAR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "columnar")
READ_AVRO = os.path.join(COLUMNAR, "read_avro.py")
# Payload i of registry_payloads.py: id, price (unscaled, scale 2), has an address.
PAYLOAD_FACTS = {0: (1, 1230, True), 1: (2, -5, False), 2: (3, 999999999, True)}


def start_registry(test, workdir, credentials="sink:pw"):
    """Starts the responder (stopped by pid at cleanup); returns (url, payloads)."""
    schemas = os.path.join(workdir, "schemas.json")
    hexes = subprocess.run([sys.executable, os.path.join(COLUMNAR, "registry_payloads.py"),
                            schemas], check=True, capture_output=True, text=True).stdout
    registry = subprocess.Popen([sys.executable, os.path.join(COLUMNAR, "fake_registry.py"),
                                 schemas, credentials], stdout=subprocess.PIPE, text=True)
    test.addCleanup(harness.stop_process, registry)
    port = registry.stdout.readline().strip()
    return f"http://127.0.0.1:{port}", [bytes.fromhex(h) for h in hexes.split()]


def registry_config(url, credentials="sink:pw"):
    return {"value.converter": "io.confluent.connect.avro.AvroConverter",
            "value.converter.schema.registry.url": url,
            "value.converter.basic.auth.credentials.source": "USER_INFO",
            "value.converter.basic.auth.user.info": credentials}


def expected_per_partition(count, partitions):
    """What DuckDB should sum per Kafka partition when record i (payload i % 3) went to
    partition i % partitions."""
    want = []
    for p in range(partitions):
        idx = [i for i in range(count) if i % partitions == p]
        want.append({"p": str(p), "n": str(len(idx)),
                     "ids": str(sum(PAYLOAD_FACTS[i % 3][0] for i in idx)),
                     "price": f"{sum(PAYLOAD_FACTS[i % 3][1] for i in idx) / 100:.2f}",
                     "addrs": str(sum(1 for i in idx if PAYLOAD_FACTS[i % 3][2]))})
    return want


def read_avro(path):
    import json
    out = subprocess.run([sys.executable, READ_AVRO, path], check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out)
