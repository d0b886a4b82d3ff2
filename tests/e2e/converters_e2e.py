"""ProtobufConverter and JsonSchemaConverter through the running sink (mock Kafka cluster,
local store). An independent producer (kafka-python) writes Schema Registry framed records
made by protoc + python3-protobuf and by Python's json (tests/converters/
converter_payloads.py) in all three framings: magic 0 + schema id, magic 1 + schema GUID,
and the payload alone with the GUID in the __value_schema_id header. The sink writes
Parquet, Avro and JSON lines; DuckDB and python3-avro read every value back, compared with
the input.
Records naming an unknown schema go to the dead letter topic.

No real Schema Registry can run here (it is a JVM service): tests/columnar/fake_registry.py
implements its documented endpoints (by id, by GUID, subject versions, ?format=serialized)
with basic auth."""
import gzip
import json
import os
import subprocess
import sys
import unittest

import harness

HERE = os.path.dirname(os.path.abspath(__file__))
CONVERTERS = os.path.join(HERE, "..", "converters")
COLUMNAR = os.path.join(HERE, "..", "columnar")
CREDENTIALS = "sink:s3cret"
COPIES = 10  # each payload is produced this many times


def check_rows(test, expected_rows, kind, actual_text, workdir):
    want = os.path.join(workdir, f"want.{kind}")
    got = os.path.join(workdir, f"got.{kind}")
    with open(want, "w") as f:
        f.write("".join(line + "\n" for line in expected_rows))
    with open(got, "w") as f:
        f.write(actual_text)
    out = subprocess.run([sys.executable, os.path.join(CONVERTERS, "check_rows.py"), want, kind,
                          got], capture_output=True, text=True)
    test.assertEqual(out.returncode, 0, out.stderr)


class ConvertersTest(unittest.TestCase):
    def setUp(self):
        self.workdir = harness.temp_dir("converters")
        self.addCleanup(harness.remove_tree, self.workdir)
        subprocess.run([sys.executable, os.path.join(CONVERTERS, "converter_payloads.py"),
                        self.workdir], check=True)
        registry = subprocess.Popen([sys.executable, os.path.join(COLUMNAR, "fake_registry.py"),
                                     os.path.join(self.workdir, "registry.json"), CREDENTIALS],
                                    stdout=subprocess.PIPE, text=True)
        self.addCleanup(registry.stdout.close)
        self.addCleanup(harness.stop_process, registry)
        self.url = f"http://127.0.0.1:{registry.stdout.readline().strip()}"

    def load(self, case):
        records = []
        with open(os.path.join(self.workdir, case + ".records")) as f:
            for line in f:
                value, header = line.split()
                records.append((bytes.fromhex(value),
                                None if header == "-" else bytes.fromhex(header)))
        with open(os.path.join(self.workdir, case + ".expected")) as f:
            expected = [line.strip() for line in f if line.strip()]
        return records, expected

    def run_sink(self, converter, records, extra):
        """Produces `records` (value, header) to one partition, plus one record naming an
        unknown schema id after each copy; runs the sink until the good records are written.
        Returns (base dir, files, dead letter messages)."""
        topic, dlq = harness.fresh_name("conv"), harness.fresh_name("dlq")
        root = harness.temp_dir("converters-root")
        self.addCleanup(harness.remove_tree, root)
        unknown = b"\x00\x00\x00\x03\xe7" + b"\x00" + b"\x08\x01"  # schema id 999
        sequence = []
        for _ in range(COPIES):
            sequence += records + [(unknown, None)]
        with harness.MockKafka(topics={topic: 1, dlq: 1}) as kafka:
            from kafka import KafkaConsumer, KafkaProducer
            producer = KafkaProducer(bootstrap_servers=kafka.bootstrap, acks="all",
                                     api_version=(2, 5, 0))
            futures = [producer.send(topic, value=v, partition=0,
                                     headers=[("__value_schema_id", h)] if h else [])
                       for v, h in sequence]
            producer.flush(timeout=120)
            for f in futures:
                f.get(timeout=60)
            producer.close()
            config = {"name": harness.fresh_name("sink"), "topics": topic,
                      "bootstrap.servers": kafka.bootstrap, "flush.size": len(records),
                      "store.url": f"file://{root}", "s3.bucket.name": "lake",
                      "value.converter": converter,
                      "value.converter.schema.registry.url": self.url,
                      "value.converter.basic.auth.credentials.source": "USER_INFO",
                      "value.converter.basic.auth.user.info": CREDENTIALS,
                      "errors.tolerance": "all", "errors.deadletterqueue.topic.name": dlq,
                      "errors.deadletterqueue.context.headers.enable": "true", **extra}
            base = os.path.join(root, "lake", "topics", topic)

            def files():
                return sorted(os.path.join(d, f) for d, _, fs in os.walk(base) for f in fs)

            with harness.Sink(config, harness.temp_dir("converters-run")) as sink:
                harness.wait_until(lambda: len(files()) >= COPIES, 120, f"{COPIES} objects",
                                   proc=sink.proc)
                self.assertEqual(sink.stop(), 0, sink.log_text())
                log = sink.log_text()
            self.assertNotIn(CREDENTIALS.split(":")[1], log)  # the password is never logged
            consumer = KafkaConsumer(dlq, bootstrap_servers=kafka.bootstrap,
                                     auto_offset_reset="earliest", consumer_timeout_ms=5000,
                                     api_version=(2, 5, 0))
            dead = list(consumer)
            consumer.close()
        return base, files(), dead, topic

    def check_dead_letters(self, dead, topic, per_copy):
        self.assertEqual(len(dead), COPIES)
        for k, m in enumerate(dead):
            headers = {name: v.decode() for name, v in m.headers}
            self.assertEqual(headers["__connect.errors.topic"], topic)
            self.assertEqual(int(headers["__connect.errors.offset"]), k * (per_copy + 1) + per_copy)
            self.assertIn("schema id 999", headers["__connect.errors.exception.message"])

    def test_protobuf_to_parquet(self):
        records, expected = self.load("protobuf")
        orders = records[:3]  # the Order message in the three framings ([3] is a Refund)
        base, files, dead, topic = self.run_sink(
            "io.confluent.connect.protobuf.ProtobufConverter", orders,
            {"format.class": "io.confluent.connect.s3.format.parquet.ParquetFormat",
             "parquet.codec": "zstd"})
        self.assertEqual(len(files), COPIES)
        self.assertTrue(all(f.endswith(".zstd.parquet") for f in files), files)
        rows = harness.duckdb(
            "SELECT to_json(t)::VARCHAR AS j FROM (SELECT * EXCLUDE (filename, file_row_number) "
            "REPLACE (lower(hex(blob)) AS blob, epoch_ms(created) AS created, "
            f"day::VARCHAR AS day) FROM read_parquet('{base}/*/*.parquet', filename=true, "
            "file_row_number=true, hive_partitioning=false) ORDER BY filename, file_row_number) t")
        check_rows(self, expected[:3] * COPIES, "duckdb", json.dumps(rows), self.workdir)
        self.check_dead_letters(dead, topic, 3)

    def test_json_schema_to_avro(self):
        records, expected = self.load("jsonschema")
        base, files, dead, topic = self.run_sink(
            "io.confluent.connect.json.JsonSchemaConverter", records,
            {"format.class": "io.confluent.connect.s3.format.avro.AvroFormat",
             "avro.codec": "snappy"})
        self.assertEqual(len(files), COPIES)
        got = []
        for f in files:
            out = subprocess.run([sys.executable, os.path.join(COLUMNAR, "read_avro.py"), f],
                                 check=True, capture_output=True, text=True).stdout
            got += json.loads(out)["records"]
        check_rows(self, expected * COPIES, "avro", json.dumps({"records": got}), self.workdir)
        self.check_dead_letters(dead, topic, 3)

    def test_protobuf_to_json_lines(self):
        records, expected = self.load("protobuf")
        base, files, dead, topic = self.run_sink(
            "ProtobufConverter", records[:3],
            {"format.class": "JsonFormat", "s3.compression.type": "gzip"})
        self.assertEqual(len(files), COPIES)
        # Read with gzip and Python's json, files in offset order.
        text = "".join(gzip.open(f, "rt", encoding="utf-8").read() for f in files)
        check_rows(self, expected[:3] * COPIES, "jsonl", text, self.workdir)
        self.check_dead_letters(dead, topic, 3)

if __name__ == "__main__":
    unittest.main()
