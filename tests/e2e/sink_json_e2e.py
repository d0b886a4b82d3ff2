"""End to end: kafka-python produces, `tributary sink` writes JSON objects, boto3 and
DuckDB check them. Runs against radosgw (real S3) and against the local store."""
import json
import os
import re
import subprocess
import unittest

import harness

RECORDS = 30_000
PARTITIONS = 3
FLUSH_SIZE = 1000


def order_value(i):
    return json.dumps({"id": i, "customer": f"c{i % 97}", "amount_cents": (i * 37) % 10_000,
                       "tags": ["a", "b"] if i % 2 else []}).encode()


def expected_keys(topic):
    keys = []
    per_partition = RECORDS // PARTITIONS
    for p in range(PARTITIONS):
        for start in range(0, per_partition, FLUSH_SIZE):
            keys.append(f"topics/{topic}/partition={p}/{topic}+{p}+{start:010d}.json")
    return sorted(keys)


class SinkJsonTest(unittest.TestCase):
    def run_scenario(self, store_config, list_keys, local_dir_for_duckdb, restart_midway=False):
        """Produces, runs the sink until every object exists, stops it, checks the group's
        offsets with kafka-python; returns after checking keys and contents.

        With restart_midway, the sink is stopped while every partition has an open,
        unwritten file (5,100 of 10,000 records produced per partition) and started
        again after the rest is produced: the open records must be re-read, not lost."""
        topic = harness.fresh_name("orders")
        workdir = harness.temp_dir("sink-json")
        with harness.MockKafka(topics={topic: PARTITIONS}) as kafka:
            config = {
                "name": harness.fresh_name("sink"),
                "topics": topic,
                "bootstrap.servers": kafka.bootstrap,
                "format.class": "io.confluent.connect.s3.format.json.JsonFormat",
                "partitioner.class":
                    "io.confluent.connect.storage.partitioner.DefaultPartitioner",
                "flush.size": FLUSH_SIZE,
                # librdkafka 2.0.2's mock coordinator keeps a member that sent LeaveGroup
                # until its session times out, so a restarted sink would wait 45 s to
                # join; a short session keeps the restart quick.
                "consumer.override.session.timeout.ms": 6000,
                "consumer.override.heartbeat.interval.ms": 500,
                **store_config,
            }
            want = expected_keys(topic)
            first_batch = 5_100 * PARTITIONS if restart_midway else RECORDS
            harness.produce_with_kafka_python(kafka.bootstrap, topic, range(first_batch),
                                              PARTITIONS, order_value)
            if restart_midway:
                with harness.Sink(config, workdir) as sink:
                    harness.wait_until(lambda: len(list_keys(topic)) >= 15, 180,
                                       "15 objects", proc=sink.proc)
                    code = sink.stop()
                    log = sink.log_text()
                self.assertEqual(code, 0, log)
                # Up to 100 records per partition sit in open files; how many the consumer
                # had fetched when the 15th object landed depends on the peer's timing.
                unwritten = re.search(r"(\d+) record\(s\) in (\d) open file\(s\) were not written",
                                      log)
                self.assertIsNotNone(unwritten, log)
                self.assertTrue(0 < int(unwritten.group(1)) <= 300, unwritten.group(0))
                self.assertEqual(harness.group_offsets(kafka.bootstrap, "connect-" + config["name"], topic, PARTITIONS),
                                 {p: 5_000 for p in range(PARTITIONS)})
                harness.produce_with_kafka_python(kafka.bootstrap, topic,
                                                  range(first_batch, RECORDS), PARTITIONS,
                                                  order_value)
            with harness.Sink(config, workdir) as sink:
                harness.wait_until(lambda: len(list_keys(topic)) >= len(want), 180,
                                   f"{len(want)} objects", proc=sink.proc)
                code = sink.stop()
                log = sink.log_text()
            self.assertEqual(code, 0, f"sink exit code; log:\n{log}")
            self.assertIn("sink stopped cleanly", log)
            # Offsets were committed for everything written, and only that.
            self.assertEqual(harness.group_offsets(kafka.bootstrap, "connect-" + config["name"], topic, PARTITIONS),
                             {p: RECORDS // PARTITIONS for p in range(PARTITIONS)})

        keys = sorted(list_keys(topic))
        self.assertEqual(keys, want)
        self.assertEqual(len(keys), 30)

        # `tributary verify`, with the store, layout and journals from the sink's config,
        # finds every offset once, and each journal at the end of its partition.
        audit = subprocess.run([harness.env_path("TRIBUTARY_BIN"), "verify", "-c",
                                os.path.join(workdir, "sink.properties"), "--topic", topic,
                                "--deep", "--json"], capture_output=True, text=True, timeout=120)
        self.assertEqual(audit.returncode, 0, audit.stdout + audit.stderr)
        report = json.loads(audit.stdout)
        self.assertEqual([(p["partition"], p["objects"], p["records"], p["journal_committed"])
                          for p in report["partitions"]],
                         [(p, 10, RECORDS // PARTITIONS, RECORDS // PARTITIONS)
                          for p in range(PARTITIONS)])
        self.assertEqual([(s["first"], s["last"]) for s in report["partitions"][0]["segments"]],
                         [(o, o + FLUSH_SIZE - 1) for o in range(0, 10_000, FLUSH_SIZE)])

        # DuckDB reads the objects: every produced value exactly once.
        glob = os.path.join(local_dir_for_duckdb(topic), "*", "*.json")
        rows = harness.duckdb(
            f"SELECT count(*) AS n, count(DISTINCT id) AS ids, min(id) AS lo, max(id) AS hi, "
            f"sum(amount_cents) AS amount FROM read_json_auto('{glob}')")
        self.assertEqual(int(rows[0]["n"]), RECORDS)
        self.assertEqual(int(rows[0]["ids"]), RECORDS)
        self.assertEqual((int(rows[0]["lo"]), int(rows[0]["hi"])), (0, RECORDS - 1))
        self.assertEqual(int(rows[0]["amount"]), sum((i * 37) % 10_000 for i in range(RECORDS)))
        # Each object holds exactly the 1000 records of its offset range, in order:
        # record i went to partition i % 3 at offset i // 3.
        per_file = harness.duckdb(
            f"SELECT filename, count(*) AS n, min(id) AS lo, max(id) AS hi "
            f"FROM read_json_auto('{glob}', filename=true) GROUP BY filename")
        self.assertEqual(len(per_file), 30)
        for row in per_file:
            m = re.search(r"partition=(\d+)/.*\+(\d+)\+(\d{10})\.json$", row["filename"])
            p, start = int(m.group(2)), int(m.group(3))
            self.assertEqual(int(row["n"]), FLUSH_SIZE, row)
            self.assertEqual(int(row["lo"]), start * PARTITIONS + p, row)
            self.assertEqual(int(row["hi"]), (start + FLUSH_SIZE - 1) * PARTITIONS + p, row)
        harness.remove_tree(workdir)

    def test_s3_radosgw(self):
        rgw = harness.radosgw_env()
        download_dir = harness.temp_dir("s3-download")
        with harness.S3Bucket() as bucket:
            def local_dir(topic):
                bucket.download_all(f"topics/{topic}/", download_dir)
                return os.path.join(download_dir, "topics", topic)

            self.run_scenario(
                {"store.url": rgw["S3_ENDPOINT"], "s3.bucket.name": bucket.name,
                 "s3.region": rgw.get("S3_REGION", "us-east-1"),
                 "aws.access.key.id": rgw["S3_ACCESS_KEY"],
                 "aws.secret.access.key": rgw["S3_SECRET_KEY"]},
                lambda topic: bucket.keys(f"topics/{topic}/"),
                local_dir)
        harness.remove_tree(download_dir)

    def test_local_store(self):
        root = harness.temp_dir("local-store")
        bucket = "lake"

        def list_keys(topic):
            base = os.path.join(root, bucket)
            out = []
            for dirpath, _, files in os.walk(os.path.join(base, "topics", topic)):
                out += [os.path.relpath(os.path.join(dirpath, f), base) for f in files]
            return out

        self.run_scenario({"store.url": f"file://{root}", "s3.bucket.name": bucket},
                          list_keys,
                          lambda topic: os.path.join(root, bucket, "topics", topic),
                          restart_midway=True)
        harness.remove_tree(root)


if __name__ == "__main__":
    unittest.main()
