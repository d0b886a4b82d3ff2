"""Helpers of the schema evolution scenarios (schema_evolution_e2e.py): two versions of an
Avro schema served by the local Schema Registry responder (tests/columnar/fake_registry.py;
no real Schema Registry can run here, it is a JVM service), and an independent producer —
python3-avro encodes each datum, the schema id comes from the responder
(GET /subjects/{subject}/versions/{v}), kafka-python sends the framed value (magic 0,
4-byte big-endian id, datum)."""
import io
import json
import os
import struct
import subprocess
import sys
import urllib.request

import harness

COLUMNAR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "columnar")
SUBJECT = "orders-value"
V1 = {"type": "record", "name": "Order", "namespace": "shop", "fields": [
    {"name": "id", "type": "long"},
    {"name": "qty", "type": "int"}]}
# v2 adds a field with a default: BACKWARD compatible (v2 reads v1 data) and FORWARD.
V2 = {"type": "record", "name": "Order", "namespace": "shop", "fields": [
    {"name": "id", "type": "long"},
    {"name": "qty", "type": "int"},
    {"name": "currency", "type": "string", "default": "EUR"}]}


def start_registry(test, workdir):
    """The responder with V1 as id 11 and V2 as id 12 of SUBJECT; returns its URL."""
    path = os.path.join(workdir, "schemas.json")
    with open(path, "w") as f:
        json.dump({"11": {"subject": SUBJECT, "schema": V1},
                   "12": {"subject": SUBJECT, "schema": V2}}, f)
    proc = subprocess.Popen([sys.executable, os.path.join(COLUMNAR, "fake_registry.py"), path],
                            stdout=subprocess.PIPE, text=True)
    test.addCleanup(harness.stop_process, proc)
    return f"http://127.0.0.1:{proc.stdout.readline().strip()}"


def registered(url, version):
    """(id, parsed schema) of SUBJECT's `version`, as the responder serves it."""
    import avro.schema
    with urllib.request.urlopen(f"{url}/subjects/{SUBJECT}/versions/{version}") as r:
        body = json.load(r)
    return body["id"], avro.schema.parse(body["schema"])


def datum(i, version):
    d = {"id": i, "qty": i % 7}
    if version == 2:
        d["currency"] = "USD" if i % 4 == 1 else "NOK"
    return d


def produce_versions(bootstrap, topic, url, count, version_of):
    """Record i (offset i of partition 0) is datum(i, version_of(i)) in the wire format."""
    import avro.io
    framed = {}
    for v in (1, 2):
        sid, schema = registered(url, v)
        framed[v] = (sid, avro.io.DatumWriter(schema))

    def value(i):
        v = version_of(i)
        sid, writer = framed[v]
        buf = io.BytesIO()
        writer.write(datum(i, v), avro.io.BinaryEncoder(buf))
        return b"\x00" + struct.pack(">i", sid) + buf.getvalue()

    harness.produce_with_kafka_python(bootstrap, topic, range(count), 1, value)


def registry_config(url):
    return {"value.converter": "io.confluent.connect.avro.AvroConverter",
            "value.converter.schema.registry.url": url}


def data_files(root, topic):
    base = os.path.join(root, "lake", "topics", topic)
    return sorted(os.path.join(d, f) for d, _, fs in os.walk(base) for f in fs)


def columns(files):
    """{file: {column: Parquet physical type}} of the files' top-level leaf columns, in one
    DuckDB query."""
    listed = ", ".join(f"'{f}'" for f in files)
    rows = harness.duckdb(f"SELECT file_name, name, type FROM parquet_schema([{listed}]) "
                          f"WHERE type IS NOT NULL")
    out = {f: {} for f in files}
    for r in rows:
        out[r["file_name"]][r["name"]] = r["type"]
    return out
