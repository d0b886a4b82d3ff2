"""Transforms on Schema Registry Avro records end to end (issue #12): values produced in
Confluent's wire format (magic 0, schema id, Avro binary) by an independent encoder
(python3-avro), schemas served by the local registry responder the columnar tests use
(tests/columnar/fake_registry.py: no real Schema Registry can run here, it is a JVM
service). A chain drops two fields, masks one, inserts the Kafka offset and routes by
TimestampRouter; DuckDB reads the Parquet objects back and python3-avro the Avro objects,
and both show exactly the transformed records under the transformed schema. A record
with a schema id the registry does not know is a record error that errors.tolerance=all
skips."""
import datetime
import io
import json
import os
import struct
import subprocess
import sys
import unittest

import avro.io
import avro.schema

import columnar_harness
import harness
import transform_harness

DAY1 = 1704103200000  # 2024-01-01T10:00:00Z
DAY2 = 1704189600000  # 2024-01-02T10:00:00Z
RECORDS = 40          # 20 on each day
SCHEMA_ID = 11

CUSTOMER = {"type": "record", "name": "Customer", "namespace": "crm", "fields": [
    {"name": "id", "type": "long"},
    {"name": "name", "type": "string"},
    {"name": "email", "type": "string"},
    {"name": "ssn", "type": ["null", "string"], "default": None},
    {"name": "internal", "type": {"type": "record", "name": "Internal", "fields": [
        {"name": "score", "type": "int"}]}},
    {"name": "signup", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    {"name": "tier", "type": {"type": "enum", "name": "Tier", "symbols": ["FREE", "PRO"]}},
]}
SIGNUP = datetime.datetime(2023, 6, 1, 12, 0, tzinfo=datetime.timezone.utc)


def wire(i, schema_id=SCHEMA_ID):
    writer = avro.io.DatumWriter(avro.schema.parse(json.dumps(CUSTOMER)))
    buf = io.BytesIO()
    writer.write({"id": i, "name": f"user{i}", "email": f"u{i}@example.com",
                  "ssn": None if i % 4 == 0 else f"123-45-{i:04d}",
                  "internal": {"score": i * 3}, "signup": SIGNUP,
                  "tier": "PRO" if i % 2 else "FREE"}, avro.io.BinaryEncoder(buf))
    return b"\x00" + struct.pack(">i", schema_id) + buf.getvalue()




class TransformAvroE2ETest(unittest.TestCase):
    def test_chain_on_registry_avro_to_parquet_and_avro(self):
        topic = harness.fresh_name("travro")
        workdir = harness.temp_dir("transform-avro")
        self.addCleanup(harness.remove_tree, workdir)
        schemas = os.path.join(workdir, "schemas.json")
        with open(schemas, "w") as f:
            json.dump({str(SCHEMA_ID): {"subject": f"{topic}-value", "schema": CUSTOMER}}, f)
        registry = subprocess.Popen(
            [sys.executable, os.path.join(columnar_harness.COLUMNAR, "fake_registry.py"),
             schemas, "sink:pw"], stdout=subprocess.PIPE, text=True)
        self.addCleanup(harness.stop_process, registry)
        url = f"http://127.0.0.1:{registry.stdout.readline().strip()}"

        # Record i is at offset i; a last record names schema id 99, which the registry
        # does not know.
        records = [transform_harness.Produced(
            value=wire(i), key=str(i).encode(),
            timestamp_ms=DAY1 if i < RECORDS // 2 else DAY2, headers=[])
            for i in range(RECORDS)]
        records.append(transform_harness.Produced(value=wire(RECORDS, schema_id=99), key=b"x",
                                                  timestamp_ms=DAY2, headers=[]))
        days = {f"{topic}-20240101": range(0, RECORDS // 2),
                f"{topic}-20240102": range(RECORDS // 2, RECORDS)}
        outputs = {}
        with harness.MockKafka(topics={topic: 1}) as kafka:
            transform_harness.produce(kafka.bootstrap, topic, records)
            for fmt, ext in (("ParquetFormat", ".parquet"), ("AvroFormat", ".avro")):
                root = harness.temp_dir("transform-avro-" + ext[1:])
                run = harness.temp_dir("transform-avro-run")
                self.addCleanup(harness.remove_tree, root)
                self.addCleanup(harness.remove_tree, run)
                config = {"name": harness.fresh_name("sink"), "topics": topic,
                          "bootstrap.servers": kafka.bootstrap, "store.url": f"file://{root}",
                          "s3.bucket.name": "lake", "format.class": fmt,
                          "flush.size": str(RECORDS // 2), "errors.tolerance": "all",
                          "errors.log.enable": "true",
                          **columnar_harness.registry_config(url),
                          **transform_harness.TYPICAL_CHAIN}
                base = os.path.join(root, "lake", "topics")

                def objects(routed):
                    d = os.path.join(base, routed)
                    return sorted(os.path.join(p, f) for p, _, fs in os.walk(d) for f in fs
                                  if f.endswith(ext))

                with harness.Sink(config, run) as sink:
                    harness.wait_until(lambda: all(objects(r) for r in days), 120,
                                       f"a {fmt} object per routed topic", proc=sink.proc)
                    harness.wait_until(lambda: "schema id 99" in sink.log_text(), 60,
                                       "the unknown schema id reported", proc=sink.proc)
                    self.assertEqual(sink.stop(), 0, sink.log_text())
                log = sink.log_text()
                # The record error names the record and what was wrong, and is skipped.
                self.assertRegex(log, rf"{topic}-0@{RECORDS}\b.*schema id 99")
                # Nothing is written under the source topic's own name.
                self.assertEqual(sorted(os.listdir(base)), sorted(days))
                outputs[fmt] = {r: objects(r) for r in days}

        want_columns = [("id", "BIGINT"), ("name", "VARCHAR"), ("email", "VARCHAR"),
                        ("signup", "TIMESTAMP WITH TIME ZONE"), ("tier", "VARCHAR"),
                        ("kafka_offset", "BIGINT")]
        for routed, ids in days.items():
            files = outputs["ParquetFormat"][routed]
            self.assertEqual(len(files), 1, files)
            columns = harness.duckdb(
                f"DESCRIBE SELECT * FROM read_parquet('{files[0]}', hive_partitioning=false)")
            self.assertEqual([(c["column_name"], c["column_type"]) for c in columns],
                             want_columns, routed)
            rows = harness.duckdb(
                f"SELECT id, name, email, epoch_ms(signup) AS signup, tier, kafka_offset "
                f"FROM read_parquet('{files[0]}', hive_partitioning=false) ORDER BY id")
            self.assertEqual(
                [(int(r["id"]), r["name"], r["email"], int(r["signup"]), r["tier"],
                  int(r["kafka_offset"])) for r in rows],
                [(i, f"user{i}", "***", int(SIGNUP.timestamp() * 1000),
                  "PRO" if i % 2 else "FREE", i) for i in ids], routed)

            avro_files = outputs["AvroFormat"][routed]
            self.assertEqual(len(avro_files), 1, avro_files)
            got = columnar_harness.read_avro(avro_files[0])
            schema = got["schema"] if isinstance(got["schema"], dict) else json.loads(got["schema"])
            self.assertEqual(schema["name"], "Customer")
            self.assertEqual(schema.get("namespace"), "crm")
            self.assertEqual([(f["name"], f["type"]) for f in schema["fields"]], [
                ("id", "long"), ("name", "string"), ("email", "string"),
                ("signup", {"type": "long", "logicalType": "timestamp-millis"}),
                ("tier", {"type": "enum", "name": "Tier", "symbols": ["FREE", "PRO"]}),
                ("kafka_offset", ["null", "long"])])
            self.assertEqual(
                [(r["id"], r["name"], r["email"], r["tier"], r["kafka_offset"])
                 for r in got["records"]],
                [(i, f"user{i}", "***", "PRO" if i % 2 else "FREE", i) for i in ids], routed)


if __name__ == "__main__":
    unittest.main()
