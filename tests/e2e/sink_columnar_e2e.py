"""AvroFormat and ParquetFormat through the running sink (mock Kafka cluster, local store):
schemaless JSON records become Parquet with an inferred schema and with a declared one, read
back by DuckDB with hive partitioning, and Avro container files read by python3-avro."""
import json
import os
import unittest

import columnar_harness
import harness
import sink_formats_e2e

PARTITIONS = 2


class SinkColumnarTest(unittest.TestCase):
    # Produce `values`, run the sink until len(values) // flush_size objects exist, stop it:
    # the same steps as the row-format scenarios.
    run_sink = sink_formats_e2e.SinkFormatsTest.run_sink

    def test_schemaless_json_to_parquet_with_inference(self):
        values = [json.dumps({"id": i, "user": {"name": f"u{i % 7}", "tags": ["a"] * (i % 3)},
                              "amount": i * 1.5 if i % 4 in (1, 2) else i,
                              "note": None if i % 5 else "five"}).encode()
                  for i in range(400)]
        topic, base, files = self.run_sink(
            {"format.class": "ParquetFormat", "value.converter": "StringConverter",
             "schema.inference": "true", "parquet.codec": "zstd"}, values, 100)
        self.assertEqual(len(files), 4)
        for f in files:
            self.assertTrue(f.endswith(".zstd.parquet"), f)
        rows = harness.duckdb(
            f"SELECT count(*) AS n, count(DISTINCT id) AS ids, sum(amount) AS s, "
            f"sum(len(\"user\".tags)) AS t, count(note) AS notes, "
            f"count(DISTINCT \"partition\") AS parts "
            f"FROM read_parquet('{base}/*/*.parquet', hive_partitioning=true)")
        want_sum = sum(i * 1.5 if i % 4 in (1, 2) else i for i in range(400))
        self.assertEqual(rows, [{"n": "400", "ids": "400", "s": want_sum,
                                 "t": str(sum(i % 3 for i in range(400))),
                                 "notes": "80", "parts": "2"}])
        kinds = harness.duckdb(f"SELECT DISTINCT name, type FROM parquet_schema('{files[0]}') "
                               f"WHERE name IN ('id', 'amount') ORDER BY name")
        self.assertEqual(kinds, [{"name": "amount", "type": "DOUBLE"},
                                 {"name": "id", "type": "INT64"}])

    def test_declared_schema_to_avro_and_parquet(self):
        schema = json.dumps({"type": "record", "name": "Payment", "fields": [
            {"name": "id", "type": "long"},
            {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
            {"name": "price", "type": {"type": "bytes", "logicalType": "decimal",
                                       "precision": 9, "scale": 2}}]})
        values = [json.dumps({"id": i, "at": 1700000000000 + i, "price": f"{i}.25",
                              "ignored": True}).encode() for i in range(60)]
        _, _, avro_files = self.run_sink(
            {"format.class": "io.confluent.connect.s3.format.avro.AvroFormat",
             "value.schema": schema, "avro.codec": "deflate"}, values, 30)
        self.assertEqual(len(avro_files), 2)
        seen = []
        for f in avro_files:
            result = columnar_harness.read_avro(f)
            self.assertEqual(result["codec"], "deflate")
            self.assertEqual(result["schema"]["fields"][2]["type"]["logicalType"], "decimal")
            seen += result["records"]
        self.assertEqual(sorted(r["id"] for r in seen), list(range(60)))
        self.assertIn({"id": 7, "at": "2023-11-14T22:13:20.007000+00:00", "price": "7.25"}, seen)

        _, base, pq_files = self.run_sink(
            {"format.class": "ParquetFormat", "value.schema": schema,
             "parquet.codec": "gzip"}, values, 30)
        self.assertEqual(len(pq_files), 2)
        rows = harness.duckdb(f"SELECT sum(price) AS s, min(\"at\") AS t0, count(*) AS n "
                              f"FROM read_parquet('{base}/*/*.gz.parquet')")
        self.assertEqual(rows, [{"s": "1785.00", "t0": "2023-11-14 22:13:20+00", "n": "60"}])

    def test_avro_converter_payloads_to_parquet(self):
        workdir = harness.temp_dir("registry")
        self.addCleanup(harness.remove_tree, workdir)
        url, payloads = columnar_harness.start_registry(self, workdir)
        values = [payloads[i % 3] for i in range(300)]
        topic, base, files = self.run_sink(
            {"format.class": "ParquetFormat", **columnar_harness.registry_config(url)}, values, 50)
        self.assertEqual(len(files), 6)
        rows = harness.duckdb(
            f"SELECT \"partition\" AS p, count(*) AS n, sum(id) AS ids, sum(price) AS price, "
            f"count(addr) AS addrs FROM read_parquet('{base}/*/*.snappy.parquet', "
            f"hive_partitioning=true) GROUP BY ALL ORDER BY p")
        self.assertEqual(rows, columnar_harness.expected_per_partition(300, PARTITIONS))

if __name__ == "__main__":
    unittest.main()
