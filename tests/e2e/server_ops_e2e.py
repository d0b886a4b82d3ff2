"""Operations end to end, second part (issue #9): the metrics the sink feeds as it works,
Connect-style pause, and the "why did this file not rotate?" diagnostic lines.

A real sink (local store, librdkafka's mock cluster, records produced by kafka-python)
with rest.port set. /metrics is parsed with Debian's python3-prometheus-client (the
reference parser of the Prometheus project, independent of Tributary's exposition code);
objects are counted by listing the store and read back with DuckDB.

- Counters match the store: parts uploaded (from the object sizes and s3.part.size),
  the part latency histogram, rotations by reason, bytes consumed, offset commits,
  rebalances, store retries by reason (against the fault store's own count), and the
  per-partition open-file gauges.
- Pause stops consumption of every partition while the process stays in the group and
  scheduled rotation goes on; partitions a rebalance assigns while paused stay paused;
  resume continues with every record written exactly once.
- A file open longer than diagnostic.log.interval.ms gets a periodic log line naming
  the rotation condition it waits for, at most once per interval.
"""
import json
import math
import os
import re
import time
import unittest

from prometheus_client.parser import text_string_to_metric_families

import harness
import server_harness as sh
from server_harness import object_files

PART_SIZE = 25 * 1024 * 1024  # s3.part.size's default


def scrape(rest):
    """/metrics as {(sample name, ((label, value), ...)): value}, and the family types,
    parsed by prometheus_client."""
    status, ctype, text = rest.call("GET", "/metrics")
    assert status == 200, text
    samples, types = {}, {}
    for family in text_string_to_metric_families(text):
        types[family.name] = family.type
        for s in family.samples:
            key = (s.name, tuple(sorted(s.labels.items())))
            assert key not in samples, f"duplicate series {key}"
            samples[key] = s.value
    return samples, types


def get(samples, name, **labels):
    return samples.get((name, tuple(sorted((k, str(v)) for k, v in labels.items()))))


def total(samples, name):
    return sum(v for (n, _), v in samples.items() if n == name)


def duckdb_ids(root, topic):
    rows = harness.duckdb(
        "SELECT count(*) AS n, count(DISTINCT id) AS ids, min(id) AS lo, max(id) AS hi "
        f"FROM read_json_auto('{os.path.join(root, 'lake', 'topics', topic)}/**/*.json')")
    r = rows[0]
    return int(r["n"]), int(r["ids"]), int(r["lo"]), int(r["hi"])


class ServerOpsE2ETest(unittest.TestCase):
    def setUp(self):
        self.root = harness.temp_dir("ops2-store")
        self.workdir = harness.temp_dir("ops2-run")
        self.addCleanup(harness.remove_tree, self.root)
        self.addCleanup(harness.remove_tree, self.workdir)

    def config(self, kafka, topic, **extra):
        return sh.sink_config(kafka, topic, self.root, "ops2", rest_port=0, **extra)

    def wait_paused(self, rest, name):
        """PAUSED (connector and task) shows once the task stopped fetching."""
        def paused():
            status = rest.json("GET", f"/connectors/{name}/status")
            return (status["connector"]["state"], status["tasks"][0]["state"]) == \
                ("PAUSED", "PAUSED")

        sh.wait_for(paused, 10, "PAUSED")

    def test_fed_metrics_match_the_store(self):
        topic = harness.fresh_name("metrics")
        partitions, per_partition, flush = 2, 1250, 600
        records = partitions * per_partition
        # librdkafka's mock cluster keeps at most 5 MB per partition, so objects stay
        # below one part (the unit test sink_diagnostics_test counts objects of several
        # parts): in journal mode every object is a multipart upload of one part.
        pad = 1000

        def value(i):
            return json.dumps({"id": i, "pad": "x" * (pad + i % 7)}).encode()

        dlq = topic + "-dlq"
        with harness.MockKafka(topics={topic: partitions, dlq: 1}) as kafka:
            harness.produce_with_kafka_python(kafka.bootstrap, topic, range(records),
                                              partitions, value)
            # Then 3 records per partition that are not JSON: skipped (errors.tolerance)
            # and sent to the dead-letter topic.
            bad = range(records, records + 6)
            harness.produce_with_kafka_python(kafka.bootstrap, topic, bad, partitions,
                                              lambda i: b"not json {")
            cfg = self.config(kafka, topic, flush_size=flush, log_repeat_suppress_ms=1000,
                              errors_tolerance="all")
            cfg["errors.deadletterqueue.topic.name"] = dlq
            # 60% of part uploads answer 503 SlowDown: retried, counted by reason, and
            # the repeated warnings rate-limited in the log.
            cfg.update({"fault.error.rate": "0.6", "fault.error.kinds": "slowdown",
                        "fault.operations": "upload_part", "fault.seed": "11"})
            objects = partitions * (per_partition // flush)
            with harness.Sink(cfg, self.workdir) as sink:
                rest = sh.Rest(sh.rest_port(sink))
                self.addCleanup(rest.close)

                def settled():
                    s, _ = scrape(rest)
                    last[:] = [len(object_files(self.root, topic)),
                               get(s, "tributary_sink_records_consumed_total"),
                               [get(s, "tributary_sink_buffered_records", topic=topic,
                                    partition=p) for p in range(partitions)]]
                    return (len(object_files(self.root, topic)) == objects and
                            get(s, "tributary_sink_records_consumed_total") == records + 6 and
                            all(get(s, "tributary_sink_buffered_records", topic=topic,
                                    partition=p) == per_partition % flush
                                for p in range(partitions)))

                last = []
                try:
                    sh.wait_for(settled, 90, f"{objects} objects and the rest buffered",
                                proc=sink.proc)
                except AssertionError as e:
                    raise AssertionError(f"{e}: objects, consumed, buffered = {last}; log: "
                                         f"{sink.log_text()[-3000:]}")
                # The asynchronous offset commits are answered, and the rate-limited
                # warnings' window (log.repeat.suppress.ms) ends with a count.
                time.sleep(2.5)
                s, types = scrape(rest)
                code = sink.stop()
            log = sink.log_text()
            from kafka import KafkaConsumer
            consumer = KafkaConsumer(dlq, bootstrap_servers=kafka.bootstrap,
                                     auto_offset_reset="earliest", consumer_timeout_ms=5000,
                                     api_version=(2, 5, 0))
            dead = sorted(int(m.key) for m in consumer)
            consumer.close()
        self.assertEqual(code, 0, log)
        files = object_files(self.root, topic)
        sizes = [os.path.getsize(f) for f in files]
        parts = sum(math.ceil(size / PART_SIZE) for size in sizes)
        self.assertEqual(parts, len(files))
        self.assertEqual(types["tributary_sink_multipart_parts_uploaded"], "counter")
        self.assertEqual(get(s, "tributary_sink_multipart_parts_uploaded_total"), parts)
        self.assertEqual(types["tributary_sink_multipart_part_upload_duration_seconds"],
                         "histogram")
        self.assertEqual(get(s, "tributary_sink_multipart_part_upload_duration_seconds_count"),
                         parts)
        self.assertEqual(get(s, "tributary_sink_multipart_part_upload_duration_seconds_bucket",
                             le="+Inf"), parts)
        self.assertGreater(get(s, "tributary_sink_multipart_part_upload_duration_seconds_sum"), 0)
        self.assertEqual(get(s, "tributary_sink_objects_written_total"), len(files))
        self.assertEqual(get(s, "tributary_sink_bytes_written_total"), sum(sizes))
        self.assertEqual(get(s, "tributary_sink_records_written_total"),
                         partitions * (per_partition // flush) * flush)
        self.assertEqual(get(s, "tributary_sink_file_rotations_total", reason="flush_size"),
                         len(files))
        # Key and value bytes of what kafka-python produced.
        consumed = sum(len(str(i)) + len(value(i)) for i in range(records))
        consumed += sum(len(str(i)) + len(b"not json {") for i in bad)
        self.assertEqual(get(s, "tributary_sink_bytes_consumed_total"), consumed)
        # The records that are not JSON: errors at the record stage, skipped.
        self.assertEqual(get(s, "tributary_sink_errors_total", stage="record"), 6)
        self.assertEqual(total(s, "tributary_sink_errors_total"), 6)
        self.assertEqual(get(s, "tributary_sink_records_skipped_total"), 6)
        self.assertEqual(dead, list(bad))  # read back from the dead-letter topic
        self.assertEqual(get(s, "tributary_sink_dlq_records_total"), len(dead))
        # Offset commits: every one succeeded (offset-commit-success-percentage 100).
        ok = get(s, "tributary_sink_offset_commits_total", result="success")
        self.assertGreaterEqual(ok, 1)
        self.assertIn(get(s, "tributary_sink_offset_commits_total", result="failure"), (None, 0))
        self.assertGreaterEqual(get(s, "tributary_sink_rebalances_total", event="assigned"), 1)
        self.assertEqual(get(s, "tributary_sink_partitions_assigned"), partitions)
        # The files still open: one per partition, its records and bytes.
        for p in range(partitions):
            self.assertEqual(get(s, "tributary_sink_open_files", topic=topic, partition=p), 1)
            self.assertGreater(get(s, "tributary_sink_buffered_bytes", topic=topic, partition=p),
                               (per_partition % flush) * pad)
            last = get(s, "tributary_sink_last_object_timestamp_seconds", topic=topic,
                       partition=p)
            self.assertLess(abs(last - time.time()), 300)
        # Every injected SlowDown was retried once and counted as throttled.
        m = re.search(r"faults injected \(slowdown (\d+),", log)
        self.assertIsNotNone(m, log[-3000:])
        injected = int(m.group(1))
        self.assertGreater(injected, 0)
        self.assertEqual(get(s, "tributary_sink_store_retries_total", reason="throttled"),
                         injected)
        self.assertEqual(total(s, "tributary_sink_store_retries_total"), injected)
        # Every retry is a warning: all are counted, repeats are logged once with a count.
        self.assertGreaterEqual(get(s, "tributary_log_messages_total", level="warning"),
                                injected)
        retry_lines = [line for line in log.splitlines() if "retrying upload part" in line]
        self.assertGreaterEqual(injected, 3)
        self.assertLess(len(retry_lines), injected, "\n".join(retry_lines))
        self.assertTrue(any("more time(s), not logged" in line for line in retry_lines),
                        "\n".join(retry_lines))

    def test_pause_keeps_the_group_and_rotation_and_resume_loses_nothing(self):
        topic = harness.fresh_name("pause")
        partitions = 2

        def value(i):
            return json.dumps({"id": i}).encode()

        with harness.MockKafka(topics={topic: partitions}) as kafka:
            harness.produce_with_kafka_python(kafka.bootstrap, topic, range(130), partitions,
                                              value)
            cfg = self.config(kafka, topic, flush_size=50, rotate_schedule_interval_ms=4000,
                              timezone="UTC")
            name = cfg["name"]
            with harness.Sink(cfg, self.workdir) as sink:
                rest = sh.Rest(sh.rest_port(sink))
                self.addCleanup(rest.close)
                sh.wait_for(lambda: rest.json("GET", "/status")["totals"]["records_consumed"]
                            == 130 and len(object_files(self.root, topic)) >= 2, 60,
                            "130 records consumed", proc=sink.proc)
                s0, _ = scrape(rest)
                self.assertIsNone(rest.json("PUT", f"/connectors/{name}/pause", expect=202))
                self.wait_paused(rest, name)
                harness.produce_with_kafka_python(kafka.bootstrap, topic, range(130, 190),
                                                  partitions, value)
                # The 15 records per partition left in open files are written on schedule
                # while paused; nothing new is consumed.
                sh.wait_for(lambda: len(object_files(self.root, topic)) == 4, 15,
                            "scheduled rotation while paused", proc=sink.proc)
                time.sleep(2)
                st = rest.json("GET", "/status")
                self.assertEqual(st["totals"]["records_consumed"], 130)
                self.assertEqual(st["state"], "PAUSED")
                self.assertEqual(rest.call("GET", "/ready")[0], 503)
                s1, _ = scrape(rest)
                # Still a member with both partitions: no revocation, no new assignment.
                self.assertEqual(get(s1, "tributary_sink_partitions_assigned"), partitions)
                for event in ("revoked", "lost"):
                    self.assertIsNone(get(s1, "tributary_sink_rebalances_total", event=event))
                self.assertEqual(get(s1, "tributary_sink_rebalances_total", event="assigned"),
                                 get(s0, "tributary_sink_rebalances_total", event="assigned"))
                self.assertEqual(get(s1, "tributary_sink_task_running"), 0)
                self.assertEqual(get(s1, "tributary_sink_file_rotations_total",
                                     reason="rotate_schedule"), 2)
                self.assertIsNone(rest.json("PUT", f"/connectors/{name}/resume", expect=202))
                sh.wait_for(lambda: rest.json("GET", "/status")["totals"]["records_written"]
                            == 190, 30, "every record written after resume", proc=sink.proc)
                s2, _ = scrape(rest)
                self.assertEqual(get(s2, "tributary_sink_task_running"), 1)
                self.assertEqual(get(s2, "tributary_sink_task_restarts_total"), 0)
                self.assertEqual(get(s2, "tributary_sink_records_consumed_total"), 190)
                self.assertEqual(rest.json("GET", f"/connectors/{name}/status")["tasks"][0]
                                 ["state"], "RUNNING")
                log = sink.log_text()  # before stopping: leaving the group revokes
                self.assertEqual(sink.stop(), 0)
        self.assertIn("paused: not consuming its 2 partition(s)", log)
        self.assertIn("resumed: consuming 2 partition(s)", log)
        self.assertNotIn("revoked", log)
        # Nothing lost, nothing twice (DuckDB reads the objects).
        self.assertEqual(duckdb_ids(self.root, topic), (190, 190, 0, 189))

    def test_partitions_assigned_while_paused_stay_paused(self):
        topic = harness.fresh_name("repause")

        def value(i):
            return json.dumps({"id": i}).encode()

        def per_partition(p):
            base = os.path.join(self.root, "lake", "topics", topic, f"partition={p}")
            return len(os.listdir(base)) if os.path.isdir(base) else 0

        with harness.MockKafka(topics={topic: 2}) as kafka:
            harness.produce_with_kafka_python(kafka.bootstrap, topic, range(60), 2, value)
            cfg = self.config(kafka, topic, flush_size=10)
            name = cfg["name"]
            with harness.Sink(cfg, self.workdir) as a:
                rest = sh.Rest(sh.rest_port(a))
                self.addCleanup(rest.close)
                sh.wait_for(lambda: len(object_files(self.root, topic)) == 6, 60,
                            "6 objects", proc=a.proc)
                self.assertIsNone(rest.json("PUT", f"/connectors/{name}/pause", expect=202))
                self.wait_paused(rest, name)
                harness.produce_with_kafka_python(kafka.bootstrap, topic, range(60, 100), 2,
                                                  value)
                # A second member of the group (no listener): the group rebalances and
                # the paused member gets one partition back, which must stay paused.
                work_b = harness.temp_dir("ops2-run-b")
                self.addCleanup(harness.remove_tree, work_b)
                cfg_b = {k: v for k, v in cfg.items() if not k.startswith("rest.")}
                with harness.Sink(cfg_b, work_b) as b:
                    def split():
                        mine = [p["partition"] for p in rest.json("GET", "/status")["partitions"]
                                if p["open_files"] is not None]
                        return len(mine) == 1 and mine

                    sh.wait_for(split, 60, "one partition each", proc=b.proc)
                    kept = split()[0]
                    other = 1 - kept
                    sh.wait_for(lambda: per_partition(other) == 5, 60,
                                "the new member writes its partition", proc=b.proc)
                    time.sleep(2)
                    st = rest.json("GET", "/status")
                    self.assertEqual(st["state"], "PAUSED")
                    self.assertEqual(st["totals"]["records_consumed"], 60)
                    self.assertEqual(per_partition(kept), 3)
                    self.assertIsNone(rest.json("PUT", f"/connectors/{name}/resume",
                                                expect=202))
                    sh.wait_for(lambda: per_partition(kept) == 5, 30,
                                "the resumed member writes its partition", proc=a.proc)
                    self.assertEqual(b.stop(), 0)
                self.assertEqual(a.stop(), 0)
        self.assertEqual(duckdb_ids(self.root, topic), (100, 100, 0, 99))

    def test_diagnostic_line_names_the_rotation_condition(self):
        topic = harness.fresh_name("diag")
        with harness.MockKafka(topics={topic: 1}) as kafka:
            harness.produce_with_kafka_python(kafka.bootstrap, topic, range(30), 1,
                                              lambda i: json.dumps({"id": i}).encode())
            # 1) Only flush.size: the line says so, and that no time rotation is set.
            cfg = self.config(kafka, topic, flush_size=1000, diagnostic_log_interval_ms=1000)
            with harness.Sink(cfg, self.workdir) as sink:
                rest = sh.Rest(sh.rest_port(sink))
                self.addCleanup(rest.close)
                sh.wait_for(lambda: "diagnostic:" in sink.log_text(), 30,
                            "a diagnostic line", proc=sink.proc)
                started = time.monotonic()
                time.sleep(3)
                part = rest.json("GET", "/status")["partitions"][0]
                s, _ = scrape(rest)
                self.assertEqual(sink.stop(), 0)
                elapsed = time.monotonic() - started
            lines = [l for l in sink.log_text().splitlines() if "diagnostic:" in l]
            self.assertIn(f"diagnostic: {topic}-0: 1 file(s) open for", lines[0])
            self.assertIn("30 records", lines[0])
            self.assertIn("flush.size: 30 of 1000 records", lines[0])
            self.assertIn("no time-based rotation configured", lines[0])
            # Rate-limited: once per interval (1 s), not once per tick.
            self.assertGreaterEqual(len(lines), 2)
            self.assertLessEqual(len(lines), elapsed + 2)
            # /status and /metrics say the same.
            self.assertEqual((part["open_files"], part["buffered_records"]), (1, 30))
            self.assertIn("flush.size: 30 of 1000 records", part["rotation_waiting_for"])
            self.assertIsNotNone(part["oldest_open_file_unix_ms"])
            self.assertEqual(get(s, "tributary_sink_buffered_records", topic=topic, partition=0),
                             30)
            # 2) rotate.interval.ms on record time: waits for a later record.
            cfg2 = self.config(kafka, topic, flush_size=1000, diagnostic_log_interval_ms=1000,
                               rotate_interval_ms=3600000, timezone="UTC",
                               partitioner_class="TimeBasedPartitioner",
                               path_format="'dt'=YYYY-MM-dd", partition_duration_ms=86400000,
                               locale="en-US", timestamp_extractor="Record")
            with harness.Sink(cfg2, self.workdir) as sink2:
                sh.wait_for(lambda: "diagnostic:" in sink2.log_text(), 30,
                            "a diagnostic line", proc=sink2.proc)
                self.assertEqual(sink2.stop(), 0)
            line = next(l for l in sink2.log_text().splitlines() if "diagnostic:" in l)
            self.assertIn("rotate.interval.ms=3600000: a record with a timestamp at or after",
                          line)
            self.assertNotIn("no time-based rotation", line)
            # 3) -1 turns it off.
            cfg3 = self.config(kafka, topic, flush_size=1000, diagnostic_log_interval_ms=-1)
            with harness.Sink(cfg3, self.workdir) as sink3:
                sh.wait_for(lambda: self._consumed(sink3) == 30, 30, "30 consumed",
                            proc=sink3.proc)
                time.sleep(2)
                self.assertEqual(sink3.stop(), 0)
            self.assertNotIn("diagnostic:", sink3.log_text())

    def _consumed(self, sink):
        try:
            rest = sh.Rest(sh.rest_port(sink, timeout=5))
            try:
                return rest.json("GET", "/status")["totals"]["records_consumed"]
            finally:
                rest.close()
        except (AssertionError, OSError):
            return -1


if __name__ == "__main__":
    unittest.main()
