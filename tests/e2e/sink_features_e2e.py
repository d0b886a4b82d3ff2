"""Issue #4 end to end: a Connect REST document copied from a Confluent S3 sink deployment
runs unchanged (radosgw), and key/header side files and tombstones written by the running
sink are read back by independent tools — DuckDB for JSON side files, python3-avro for
Avro side files — record by record against the data files (docs/object-layout.md).

Records are produced by kafka-python to librdkafka's mock cluster.
"""
import glob
import gzip
import json
import os
import subprocess
import unittest

import harness
import partition_harness

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
T0 = 1705314600000  # 2024-01-15T10:30:00Z


def run_sink_file(path, env, until, proc_timeout=120, workdir=None):
    """`tributary sink -c path` with extra environment, until `until()` holds; returns
    (exit code, log)."""
    log_path = os.path.join(workdir, "sink.log")
    with open(log_path, "w") as log:
        proc = subprocess.Popen([harness.env_path("TRIBUTARY_BIN"), "sink", "-c", path],
                                stdout=log, stderr=subprocess.STDOUT,
                                env=dict(os.environ, **env))
        try:
            harness.wait_until(until, proc_timeout, "the sink's objects", proc=proc)
        except AssertionError:
            harness.stop_process(proc)
            with open(log_path) as f:
                raise AssertionError(f.read())
        code = harness.stop_process(proc)
    with open(log_path) as f:
        return code, f.read()


class ConnectDocumentTest(unittest.TestCase):
    def test_connect_rest_document_starts_unchanged(self):
        with open(os.path.join(DATA, "confluent-s3-sink-rest.json")) as f:
            doc = json.load(f)
        rgw = harness.radosgw_env()
        workdir = harness.temp_dir("connect-doc")
        self.addCleanup(harness.remove_tree, workdir)
        with harness.S3Bucket() as bucket, \
                harness.MockKafka(topics={"orders": 1, "dlq-orders": 1}) as kafka:
            # Only the endpoint, the bucket and the credentials change; the Kafka cluster
            # comes from the environment, as a Connect worker's does.
            cfg = doc["config"]
            cfg["store.url"] = rgw["S3_ENDPOINT"]
            cfg["s3.bucket.name"] = bucket.name
            cfg["aws.access.key.id"] = rgw["S3_ACCESS_KEY"]
            cfg["aws.secret.access.key"] = rgw["S3_SECRET_KEY"]
            path = os.path.join(workdir, "connector.json")
            with open(path, "w") as f:
                json.dump(doc, f, indent=2)
            records = [(0, f"k{i}".encode(), json.dumps({"id": i}).encode(), T0 + i * 1000)
                       for i in range(3)]
            records.append((0, b"bad", b"{not json", T0 + 5000))  # to the DLQ (errors.tolerance=all)
            partition_harness.produce_records(kafka.bootstrap, "orders", records)
            base = "topics/orders/year=2024/month=01/day=15/hour=10/orders+0+0000000000"
            code, log = run_sink_file(
                path, {"CONNECT_BOOTSTRAP_SERVERS": kafka.bootstrap},
                lambda: len(bucket.keys(base)) >= 2, workdir=workdir)
            self.assertEqual(code, 0, log)
            self.assertEqual(sorted(bucket.keys("topics/")),
                             [base + ".json.gz", base + ".keys.json.gz"], log)
            self.assertNotIn(rgw["S3_SECRET_KEY"], log)
            body = bucket.client.get_object(Bucket=bucket.name, Key=base + ".json.gz")["Body"]
            lines = gzip.decompress(body.read()).decode().splitlines()
            self.assertEqual([json.loads(x)["id"] for x in lines], [0, 1, 2])
            keys = bucket.client.get_object(Bucket=bucket.name, Key=base + ".keys.json.gz")["Body"]
            self.assertEqual(gzip.decompress(keys.read()).decode(), '"k0"\n"k1"\n"k2"\n')
            # The bad record went to the dead-letter topic named in the document.
            from kafka import KafkaConsumer
            consumer = KafkaConsumer("dlq-orders", bootstrap_servers=kafka.bootstrap,
                                     auto_offset_reset="earliest", consumer_timeout_ms=10000,
                                     api_version=(2, 5, 0))
            dead = [m for m in consumer]
            consumer.close()
            self.assertEqual([(m.key, m.value) for m in dead], [(b"bad", b"{not json")])


class SideFilesTest(unittest.TestCase):
    def setUp(self):
        self.root = harness.temp_dir("side-files")
        self.workdir = harness.temp_dir("side-files-run")
        self.addCleanup(harness.remove_tree, self.root)
        self.addCleanup(harness.remove_tree, self.workdir)

    @staticmethod
    def records(n):
        """n records with keys and a header; every fourth one a tombstone."""
        out = []
        for i in range(n):
            value = None if i % 4 == 3 else json.dumps({"id": i}).encode()
            out.append((0, f"key-{i}".encode(), value, None, [("trace", f"t{i}".encode())]))
        return out

    def run_sink(self, topic, n, extra):
        """Produces records(n) with kafka-python (keys and headers), runs the sink with
        keys, headers and tombstones stored until 5 objects exist under topics/; returns
        (the topics/ directory, the objects relative to it)."""
        from kafka import KafkaProducer
        with harness.MockKafka(topics={topic: 1}) as kafka:
            producer = KafkaProducer(bootstrap_servers=kafka.bootstrap, acks="all",
                                     api_version=(2, 5, 0))
            for p, key, value, ts, headers in self.records(n):
                producer.send(topic, key=key, value=value, partition=p, headers=headers)
            producer.flush(timeout=60)
            producer.close()
            config = {
                "name": harness.fresh_name("sink"), "topics": topic,
                "bootstrap.servers": kafka.bootstrap,
                "store.url": f"file://{self.root}", "s3.bucket.name": "lake",
                "format.class": "io.confluent.connect.s3.format.json.JsonFormat",
                "store.kafka.keys": "true", "store.kafka.headers": "true",
                "behavior.on.null.values": "write", "flush.size": str(n), **extra,
            }
            lake = os.path.join(self.root, "lake", "topics")  # the journal lives beside it
            return lake, partition_harness.run_sink_until(config, lake, 5, self.workdir)

    def test_json_side_files_line_up_and_read_with_duckdb(self):
        topic = harness.fresh_name("orders")
        lake, files = self.run_sink(topic, 8, {
            "keys.format.class": "io.confluent.connect.s3.format.json.JsonFormat",
            "headers.format.class": "io.confluent.connect.s3.format.json.JsonFormat"})
        d = f"{topic}/partition=0/{topic}+0+0000000000"
        t = f"{topic}/tombstone/{topic}+0+0000000003"
        self.assertEqual(files, sorted([d + ".headers.json", d + ".json", d + ".keys.json",
                                        t + ".headers.json", t + ".keys.json"]))
        # DuckDB reads the side files as JSON lines; position i of each file is record i.
        def rows(rel, sql_expr):
            return harness.duckdb(
                f"SELECT {sql_expr} AS v FROM read_json('{os.path.join(lake, rel)}', "
                "format='newline_delimited', records=false)")
        values = [int(r["v"]) for r in harness.duckdb(
            f"SELECT id AS v FROM read_json_auto('{os.path.join(lake, d + '.json')}')")]
        keys = [r["v"] for r in rows(d + ".keys.json", "json")]
        self.assertEqual(values, [0, 1, 2, 4, 5, 6])
        self.assertEqual(keys, [f"key-{i}" for i in values])
        headers = harness.duckdb(
            "SELECT h.key AS k, h.value AS v FROM (SELECT unnest(headers) AS h FROM "
            f"read_json_auto('{os.path.join(lake, d + '.headers.json')}'))")
        self.assertEqual([(r["k"], r["v"]) for r in headers],
                         [("trace", f"t{i}") for i in values])
        self.assertEqual([r["v"] for r in rows(t + ".keys.json", "json")], ["key-3", "key-7"])
        out = subprocess.run([harness.env_path("TRIBUTARY_BIN"), "verify", "--store",
                              f"file://{self.root}", "--bucket", "lake", "--topic", topic],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)

    def test_avro_side_files_read_with_python_avro(self):
        topic = harness.fresh_name("orders")
        lake, files = self.run_sink(topic, 4, {"s3.compression.type": "gzip"})
        d = f"{topic}/partition=0/{topic}+0+0000000000"
        t = f"{topic}/tombstone/{topic}+0+0000000003"
        self.assertEqual(files, sorted([d + ".headers.avro", d + ".json.gz", d + ".keys.avro",
                                        t + ".headers.avro", t + ".keys.avro"]))
        import avro.datafile
        import avro.io

        def datums(rel):
            with open(os.path.join(lake, rel), "rb") as f:
                reader = avro.datafile.DataFileReader(f, avro.io.DatumReader())
                out = list(reader)
                reader.close()
                return out
        with gzip.open(os.path.join(lake, d + ".json.gz"), "rt") as f:
            values = [json.loads(line)["id"] for line in f]
        self.assertEqual(values, [0, 1, 2])
        self.assertEqual(datums(d + ".keys.avro"), [f"key-{i}" for i in values])
        self.assertEqual(datums(d + ".headers.avro"),
                         [[{"key": "trace", "value": f"t{i}"}] for i in values])
        self.assertEqual(datums(t + ".keys.avro"), ["key-3"])
        self.assertEqual(datums(t + ".headers.avro"), [[{"key": "trace", "value": "t3"}]])


class SideFilesCrashTest(unittest.TestCase):
    def test_crash_between_data_and_key_file_completion(self):
        """Journal mode: the process dies while the first flush completes its data file
        and its key file, with at most one of them visible; the next run completes the
        rest from the journal's pending flush, so every data file has its key file, line
        for line."""
        import exactly_once_harness as eo
        topic, name = harness.fresh_name("crash-side"), harness.fresh_name("eos")
        root = harness.temp_dir("side-crash-root")
        self.addCleanup(harness.remove_tree, root)
        records = 120
        with harness.MockKafka(topics={topic: 1}) as kafka:
            harness.produce_with_kafka_python(kafka.bootstrap, topic, range(records), 1, eo.value)
            config = eo.sink_config(kafka, topic, root, name, **{
                "flush.size": 40, "store.kafka.keys": "true",
                "keys.format.class": "JsonFormat", "exactly.once.mode": "journal"})
            # The second completion of the first flush dies before it reaches the store.
            # A flush completes its objects side by side, so which of the two (data or
            # key file) is left pending varies; exactly one at most is visible.
            crashing = dict(config, **{"fault.crash.operation": "complete_multipart",
                                       "fault.crash.after": "2", "fault.crash.when": "before"})
            first = eo.start_sink(crashing, harness.temp_dir("side-crash-run1"))
            code = eo.wait_exit(first.proc, 90)
            first.log.close()
            self.assertEqual(code, eo.PLANNED_CRASH, first.log_text()[-2000:])
            base = os.path.join(root, "lake", "topics", topic, "partition=0", f"{topic}+0+0000000000")
            self.assertFalse(os.path.exists(base + ".json") and
                             os.path.exists(base + ".keys.json"))  # the crash point
            second = eo.start_sink(config, harness.temp_dir("side-crash-run2"))
            try:
                eo.wait_committed(root, name, topic, [records], second.proc)
            finally:
                self.assertEqual(second.stop(), 0, second.log_text()[-3000:])
        self.assertIn("left pending by the previous owner", second.log_text())
        data = sorted(glob.glob(os.path.join(root, "lake", "topics", topic, "*", "*[0-9].json")))
        self.assertEqual(len(data), 3)
        ids = []
        for path in data:
            with open(path) as f:
                values = [json.loads(line)["id"] for line in f]
            with open(path[:-len(".json")] + ".keys.json") as f:
                keys = [json.loads(line) for line in f]
            self.assertEqual(keys, [str(i) for i in values], path)  # key i is str(i)
            ids += values
        self.assertEqual(sorted(ids), list(range(records)))
        code, report, text = eo.verify(root, topic, name)
        self.assertEqual(code, 0, text)


if __name__ == "__main__":
    unittest.main()
