"""Schema evolution through the running sink (docs/schema-evolution.md): an independent
producer (python3-avro + kafka-python, schema ids from the local Schema Registry responder)
interleaves two versions of an Avro schema record by record, and the sink writes Parquet:

- NONE with schema.max.open.versions (default 4): two files per flush, one per version,
  not one file per record; with schema.max.open.versions=1, the connector's one file per
  change.
- BACKWARD: after the first v2 record, one file of the v2 schema; v1 records in it read
  back with the new field's default.
- FULL (as BACKWARD) with AvroFormat: one file of the v2 schema read by python3-avro.
- FORWARD: an older schema after a newer one starts a file of the older schema; newer
  records are projected to it.
- Schemaless JSON with schema.inference=true: a later record with a new field and a
  wider type starts a new file with the widened schema; a record that cannot be widened
  goes to the dead-letter topic with a message naming it and the field.

Every case reads the files back with DuckDB, compares every value, and runs
`tributary verify` (each record exactly once)."""
import json
import unittest

import columnar_harness
import evolution_harness as evo
import exactly_once_harness as eo
import harness


def alternate(i):
    """v1, v2, v1, v2, ...: two producers of a rolling deploy, record by record."""
    return 1 + i % 2


class SchemaEvolutionTest(unittest.TestCase):
    def run_sink(self, count, version_of, extra, topics=None, produce=None, committed=None):
        """Produces `count` records to partition 0 and runs the sink until its journal has
        committed them all, then checks `tributary verify`; returns (root, topic, result)
        with the sink's log and, when `topics` names a dead-letter topic, its records."""
        topic = harness.fresh_name("evo")
        name = harness.fresh_name("evo-sink")
        root = harness.temp_dir("evolution-root")
        workdir = harness.temp_dir("evolution-run")
        self.addCleanup(harness.remove_tree, root)
        self.addCleanup(harness.remove_tree, workdir)
        result = {}
        with harness.MockKafka(topics={topic: 1, **(topics or {})}) as kafka:
            if produce is None:
                url = evo.start_registry(self, workdir)
                evo.produce_versions(kafka.bootstrap, topic, url, count, version_of)
                extra = {**evo.registry_config(url), **extra}
            else:
                produce(kafka.bootstrap, topic)
            config = eo.sink_config(kafka, topic, root, name, **{
                "format.class": "ParquetFormat", **extra})
            with harness.Sink(config, workdir) as sink:
                try:
                    eo.wait_committed(root, name, topic, [committed or count], sink.proc)
                except AssertionError as e:
                    raise AssertionError(f"{e}\n{sink.log_text()[-3000:]}") from None
                self.assertEqual(sink.stop(), 0)
                result["log"] = sink.log_text()
            if topics:
                from kafka import KafkaConsumer
                dlq = next(iter(topics))
                consumer = KafkaConsumer(dlq, bootstrap_servers=kafka.bootstrap,
                                         auto_offset_reset="earliest", consumer_timeout_ms=5000,
                                         api_version=(2, 5, 0))
                result["dead"] = list(consumer)
                consumer.close()
        code, report, text = eo.verify(root, topic, name)
        self.assertEqual(code, 0, text)
        self.assertTrue(report["ok"], text)
        return root, topic, result

    def files_starting_at(self, root, topic, firsts):
        """The topic's Parquet files, which must start at offsets `firsts`, and their
        columns."""
        files = evo.data_files(root, topic)
        self.assertEqual([f.rsplit("+", 1)[1] for f in files],
                         [f"{o:010d}.snappy.parquet" for o in firsts])
        return files, evo.columns(files)

    def rows(self, files):
        listed = ", ".join(f"'{f}'" for f in files)
        return harness.duckdb(f"SELECT id, qty, currency FROM read_parquet([{listed}], "
                              f"union_by_name=true) ORDER BY id")

    def expect(self, count, version_of, currency_of):
        out = []
        for i in range(count):
            d = evo.datum(i, version_of(i))
            out.append({"id": str(i), "qty": d["qty"], "currency": currency_of(i, d)})
        return out

    def test_none_keeps_one_file_per_version_open(self):
        root, topic, _ = self.run_sink(40, alternate, {"flush.size": 20})
        files = evo.data_files(root, topic)
        # Two flushes of two files each (one per schema version), not 40 files.
        names = [f.rsplit("/", 1)[1] for f in files]
        self.assertEqual(names, [f"{topic}+0+{o:010d}.snappy.parquet" for o in (0, 1, 20, 21)])
        cols = evo.columns(files)
        listed = ", ".join(f"'{f}'" for f in files)
        ids = harness.duckdb(f"SELECT filename AS f, list(id ORDER BY id) AS ids FROM "
                             f"read_parquet([{listed}], filename=true, union_by_name=true) "
                             f"GROUP BY filename ORDER BY filename")
        for f, first, row in zip(files, (0, 1, 20, 21), ids):
            self.assertEqual(row["f"], f)
            self.assertEqual([int(i) for i in row["ids"]], list(range(first, first + 19, 2)), f)
            self.assertEqual("currency" in cols[f], first % 2 == 1, (f, cols[f]))
        self.assertEqual(self.rows(files), self.expect(
            40, alternate, lambda i, d: d.get("currency")))

    def test_none_with_one_open_version_rotates_on_every_change(self):
        # Every record closes the previous one's file, so the last one stays open.
        root, topic, result = self.run_sink(
            12, alternate, {"flush.size": 12, "schema.max.open.versions": 1}, committed=11)
        files = evo.data_files(root, topic)
        self.assertEqual(len(files), 11)  # the connector's behaviour: one file per record
        self.assertIn(f"schema.max.open.versions: {topic}-0@11 has a schema", result["log"])
        self.assertEqual(self.rows(files), self.expect(11, alternate, lambda i, d: d.get("currency")))

    def test_backward_keeps_the_newest_schema_and_fills_defaults(self):
        root, topic, result = self.run_sink(
            40, alternate, {"flush.size": 39, "schema.compatibility": "BACKWARD"})
        # Record 0 (v1) had its file; the first v2 record closed it, and from then on one
        # file of the v2 schema takes both versions.
        files, cols = self.files_starting_at(root, topic, (0, 1))
        self.assertNotIn("currency", cols[files[0]])
        self.assertEqual(cols[files[1]]["currency"], "BYTE_ARRAY")
        self.assertIn("schema.compatibility=BACKWARD: schema id 12", result["log"])
        want = self.expect(40, alternate, lambda i, d: d.get("currency", "EUR"))
        want[0]["currency"] = None  # in the v1 file
        self.assertEqual(self.rows(files), want)  # 19 v1 records with currency EUR

    def test_full_to_avro_files_read_by_python_avro(self):
        def every_third_v2(i):
            return 2 if i % 3 == 0 else 1  # starts with v2: one file from the start
        root, topic, _ = self.run_sink(
            30, every_third_v2, {"flush.size": 30, "schema.compatibility": "FULL",
                            "format.class": "AvroFormat", "avro.codec": "deflate"})
        files = evo.data_files(root, topic)
        self.assertEqual(len(files), 1)
        result = columnar_harness.read_avro(files[0])
        self.assertEqual([f["name"] for f in result["schema"]["fields"]],
                         ["id", "qty", "currency"])
        self.assertEqual(result["records"], [
            {**evo.datum(i, 1), "currency": evo.datum(i, 2)["currency"] if i % 3 == 0 else "EUR"}
            for i in range(30)])

    def test_forward_rotates_to_an_older_schema_and_projects_newer_records(self):
        def v2_then_alternate(i):
            return 2 if i < 3 else 1 + (i + 1) % 2  # v2 v2 v2 v1 v2 v1 ...
        root, topic, result = self.run_sink(
            40, v2_then_alternate, {"flush.size": 37, "schema.compatibility": "FORWARD"})
        # Records 0..2 (v2) had their file; record 3 (v1, older) closed it, and the v1 file
        # took the rest, the v2 records projected to v1 (their currency dropped).
        files, cols = self.files_starting_at(root, topic, (0, 3))
        self.assertEqual(cols[files[0]], {"id": "INT64", "qty": "INT32", "currency": "BYTE_ARRAY"})
        self.assertEqual(cols[files[1]], {"id": "INT64", "qty": "INT32"})
        self.assertIn("schema.compatibility=FORWARD: schema id 11 (version 11) is older",
                      result["log"])
        want = self.expect(40, v2_then_alternate, lambda i, d: d["currency"] if i < 3 else None)
        self.assertEqual(self.rows(files), want)

    def test_inference_widens_into_a_new_file_and_rejects_what_cannot_widen(self):
        bad = 33

        def value(i):
            v = {"id": i, "name": f"name-{i:03d}-" + "x" * 40, "score": i}
            if i >= 20:
                v["score"] = i + 0.5
                v["extra"] = f"e{i}"
            if i == bad:
                v["id"] = f"bad-{i}"
            return json.dumps(v).encode()

        dlq = harness.fresh_name("evo-dlq")

        def produce(bootstrap, topic):
            harness.produce_with_kafka_python(bootstrap, topic, range(46), 1, value)

        root, topic, result = self.run_sink(46, None, {
            "value.converter": "org.apache.kafka.connect.storage.StringConverter",
            "schema.inference": "true", "parquet.block.size": "1024", "flush.size": 25,
            "errors.tolerance": "all", "errors.deadletterqueue.topic.name": dlq,
            "errors.deadletterqueue.context.headers.enable": "true"},
            topics={dlq: 1}, produce=produce)
        files, cols = self.files_starting_at(root, topic, (0, 20))
        self.assertEqual(cols[files[0]], {"id": "INT64", "name": "BYTE_ARRAY", "score": "INT64"})
        self.assertEqual(cols[files[1]], {"id": "INT64", "name": "BYTE_ARRAY",
                                          "score": "DOUBLE", "extra": "BYTE_ARRAY"})
        self.assertIn("schema.inference: " + topic + "-0@20 does not fit", result["log"])
        listed = ", ".join(f"'{f}'" for f in files)
        rows = harness.duckdb(f"SELECT id, name, score, extra FROM read_parquet([{listed}], "
                              f"union_by_name=true) ORDER BY id")
        want = []
        for i in range(46):
            if i == bad:
                continue
            v = json.loads(value(i))
            want.append({"id": str(i), "name": v["name"], "score": float(v["score"]),
                         "extra": v.get("extra")})
        self.assertEqual(rows, want)
        dead = result["dead"]
        self.assertEqual([json.loads(m.value)["id"] for m in dead], [f"bad-{bad}"])
        headers = {k: v.decode() for k, v in dead[0].headers}
        message = headers["__connect.errors.exception.message"]
        self.assertIn(f"{topic}-0@{bad}", message)
        self.assertIn("id: a string does not fit optional long", message)


if __name__ == "__main__":
    unittest.main()
