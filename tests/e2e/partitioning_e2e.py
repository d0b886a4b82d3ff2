"""Partitioners end to end: the running sink against the mock cluster and the local
store, records produced by kafka-python, output read back by DuckDB with
hive_partitioning=true (docs/partitioning.md).

Records of one Kafka partition are produced so that each flush.size block shares one
directory: the writer of this version keeps one open file per partition and names it by
its first record. The assertions hold record by record (every record sits in the
directory of its own time and fields), so they stay valid once files per directory are
kept open side by side.
"""
import json
import os
import subprocess
import unittest

import harness
import partition_harness


class PartitioningTest(unittest.TestCase):
    def setUp(self):
        self.root = harness.temp_dir("partitioning")
        self.workdir = harness.temp_dir("partitioning-run")
        self.addCleanup(harness.remove_tree, self.root)
        self.addCleanup(harness.remove_tree, self.workdir)

    def test_field_and_time_with_record_field_and_config_providers(self):
        topic = harness.fresh_name("orders")
        records, expected = [], {}
        for i in range(80):
            p, off = i % 2, i // 2
            block = off // 10
            country = ["US", "DE"][(block + p) % 2]
            hour = 8 + block
            # ISO-8601 with an offset: local 10:xx at +02:00 is 08:xx UTC.
            ts = f"2024-01-15T{hour + 2:02d}:{(off % 10) * 5:02d}:00.250+02:00"
            value = {"id": i, "geo": {"country": country}, "meta": {"ts": ts},
                     "utc_hour": hour}
            records.append((p, str(i).encode(), json.dumps(value).encode(), None))
            expected[(country, hour)] = expected.get((country, hour), 0) + 1
        # Secrets and settings from config providers, resolved at start.
        secrets = os.path.join(self.workdir, "sink-secrets.properties")
        with open(secrets, "w") as f:
            f.write("flush=10\n")
        os.environ["PARTITION_E2E_TZ"] = "UTC"
        with harness.MockKafka(topics={topic: 2}) as kafka:
            partition_harness.produce_records(kafka.bootstrap, topic, records)
            config = {
                "name": harness.fresh_name("sink"), "topics": topic,
                "bootstrap.servers": kafka.bootstrap,
                "store.url": f"file://{self.root}", "s3.bucket.name": "lake",
                "format.class": "io.confluent.connect.s3.format.json.JsonFormat",
                "config.providers": "file,env",
                "config.providers.file.class":
                    "org.apache.kafka.common.config.provider.FileConfigProvider",
                "config.providers.env.class":
                    "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
                "flush.size": f"${{file:{secrets}:flush}}",
                "timezone": "${env:PARTITION_E2E_TZ}",
                "partitioner.class": "FieldAndTimeBasedPartitioner",
                "partition.field.name": "geo.country",
                "partition.duration.ms": "3600000",
                "path.format": "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH/",
                "locale": "en_US",
                "timestamp.extractor": "RecordField",
                "timestamp.field": "meta.ts",
            }
            base = os.path.join(self.root, "lake", "topics", topic)
            files = partition_harness.run_sink_until(config, base, 8, self.workdir)
        self.assertEqual(len(files), 8, files)
        # The golden key form: fields, then the time path, then the Confluent file name.
        self.assertIn(f"geo.country=US/year=2024/month=01/day=15/hour=08/{topic}+0+0000000000.json",
                      files)
        self.assertIn(f"geo.country=US/year=2024/month=01/day=15/hour=09/{topic}+1+0000000010.json",
                      files)
        rows = harness.duckdb(
            f"SELECT \"geo.country\" AS c, CAST(hour AS INT) AS h, count(*) AS n, "
            f"count(DISTINCT id) AS ids, "
            f"sum(CASE WHEN CAST(hour AS INT) = utc_hour AND \"geo.country\" = geo.country "
            f"THEN 1 ELSE 0 END) AS placed "
            f"FROM read_json_auto('{base}/**/*.json', hive_partitioning=true) "
            f"GROUP BY ALL ORDER BY c, h")
        got = {(r["c"], int(r["h"])): int(r["n"]) for r in rows}
        self.assertEqual(got, expected)
        self.assertEqual(sum(int(r["placed"]) for r in rows), 80)
        self.assertEqual(sum(int(r["ids"]) for r in rows), 80)

    def test_hourly_record_time_in_berlin_across_dst(self):
        topic = harness.fresh_name("events")
        # Four blocks of five: 2024-10-27 00:10Z and 01:10Z are both 02:10 local (CEST,
        # then CET), so both blocks land in hour=02; 02:10Z is hour=03; 2024-03-31
        # 01:10Z is 03:10 CEST, just after the spring-forward gap.
        starts = [1729987800000, 1729991400000, 1729995000000, 1711847400000]
        records = []
        for b, start in enumerate(starts):
            for k in range(5):
                records.append((0, None, json.dumps({"b": b, "k": k}).encode(),
                                start + k * 60000))
        with harness.MockKafka(topics={topic: 1}) as kafka:
            partition_harness.produce_records(kafka.bootstrap, topic, records)
            config = {
                "name": harness.fresh_name("sink"), "topics": topic,
                "bootstrap.servers": kafka.bootstrap, "flush.size": "5",
                "store.url": f"file://{self.root}", "s3.bucket.name": "lake",
                "format.class": "JsonFormat",
                "partitioner.class": "io.confluent.connect.storage.partitioner.HourlyPartitioner",
                "locale": "en", "timezone": "Europe/Berlin",
                "timestamp.extractor": "Record",
            }
            base = os.path.join(self.root, "lake", "topics", topic)
            files = partition_harness.run_sink_until(config, base, 4, self.workdir)
        self.assertEqual(files, [
            f"year=2024/month=03/day=31/hour=03/{topic}+0+0000000015.json",
            f"year=2024/month=10/day=27/hour=02/{topic}+0+0000000000.json",
            f"year=2024/month=10/day=27/hour=02/{topic}+0+0000000005.json",
            f"year=2024/month=10/day=27/hour=03/{topic}+0+0000000010.json",
        ])
        rows = harness.duckdb(
            f"SELECT month, day, hour, list(DISTINCT b ORDER BY b) AS blocks, count(*) AS n "
            f"FROM read_json_auto('{base}/**/*.json', hive_partitioning=true) "
            f"GROUP BY ALL ORDER BY month, day, hour")
        self.assertEqual([(int(r["month"]), int(r["day"]), int(r["hour"]), r["blocks"], int(r["n"]))
                          for r in rows],
                         [(3, 31, 3, ["3"], 5), (10, 27, 2, ["0", "1"], 10), (10, 27, 3, ["2"], 5)])

    def test_aiven_file_name_template_and_format_keys(self):
        topic = harness.fresh_name("aiven")
        # Per partition, blocks of ten records share a key and an event hour, so each file
        # holds one {{key}} and one {{timestamp}} (see the module docstring).
        base_ts = 1705312800000  # 2024-01-15T10:00:00Z
        records = []
        for i in range(40):
            p, off = i % 2, i // 2
            block = off // 10
            records.append((p, f"user-{p}-{block}".encode(),
                            json.dumps({"id": i}).encode(), base_ts + block * 3600000 + off))
        with harness.MockKafka(topics={topic: 2}) as kafka:
            partition_harness.produce_records(kafka.bootstrap, topic, records)
            config = {
                "name": harness.fresh_name("sink"), "topics": topic,
                "bootstrap.servers": kafka.bootstrap,
                "store.url": f"file://{self.root}", "s3.bucket.name": "lake",
                "file.name.template": "{{topic}}/{{timestamp:unit=yyyy}}{{timestamp:unit=MM}}"
                                      "{{timestamp:unit=dd}}{{timestamp:unit=HH}}/{{key}}/"
                                      "{{partition:padding=true}}-{{start_offset:padding=true}}"
                                      ".jsonl.gz",
                "file.name.timestamp.source": "event",
                "format.output.type": "jsonl",
                "format.output.fields": "key,value,offset",
                "file.max.records": "10",
            }
            base = os.path.join(self.root, "lake", topic)
            files = partition_harness.run_sink_until(config, base, 4, self.workdir)
        self.assertEqual(files, [
            "2024011510/user-0-0/0000000000-00000000000000000000.jsonl.gz",
            "2024011510/user-1-0/0000000001-00000000000000000000.jsonl.gz",
            "2024011511/user-0-1/0000000000-00000000000000000010.jsonl.gz",
            "2024011511/user-1-1/0000000001-00000000000000000010.jsonl.gz",
        ])
        # gzip by default in Aiven's dialect; records shaped by format.output.fields.
        rows = harness.duckdb(
            f"SELECT count(*) AS n, count(DISTINCT value.id) AS ids, min(\"offset\") AS lo, "
            f"max(\"offset\") AS hi FROM read_json_auto('{base}/*/*/*.jsonl.gz')")
        self.assertEqual((int(rows[0]["n"]), int(rows[0]["ids"]), int(rows[0]["lo"]),
                          int(rows[0]["hi"])), (40, 40, 0, 19))

    def test_incomplete_time_partitioner_is_rejected_at_start(self):
        path = os.path.join(self.workdir, "bad.properties")
        harness.write_properties(path, {
            "name": "n", "topics": "t", "bootstrap.servers": "127.0.0.1:1",
            "s3.bucket.name": "b", "format.class": "JsonFormat", "flush.size": "1",
            "partitioner.class": "TimeBasedPartitioner", "timestamp.extractor": "RecordField",
            "timestamp.field": "",
        })
        out = subprocess.run([harness.env_path("TRIBUTARY_BIN"), "config", "--validate", "-c", path],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 2, out.stderr)
        for key in ("partition.duration.ms", "path.format", "locale", "timezone",
                    "timestamp.field"):
            self.assertIn(f"\n  {key}:", out.stderr)


if __name__ == "__main__":
    unittest.main()
