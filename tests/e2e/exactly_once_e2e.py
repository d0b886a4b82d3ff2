"""Exactly-once under crashes at each protocol step, zombies and offset resets
(docs/exactly-once.md). Kafka is librdkafka's mock cluster, records come from
kafka-python, and every scenario ends with `tributary verify` and DuckDB agreeing that
each produced record is in the bucket exactly once."""
import concurrent.futures
import os
import re
import signal
import time
import unittest

import harness
import exactly_once_harness as eo


class ExactlyOnceTest(unittest.TestCase):
    def crash_then_recover(self, kafka, topic, operation, nth, when):
        """One deterministic crash point: run 1 ends inside the store call given by
        (operation, nth, when); run 2 starts over and must finish exactly once."""
        name = harness.fresh_name("eos")
        root = harness.temp_dir("eos-root")
        records = 400
        harness.produce_with_kafka_python(kafka.bootstrap, topic, range(records), 2, eo.value)
        config = eo.sink_config(kafka, topic, root, name, **{"flush.size": 50})
        crashing = dict(config, **{"fault.crash.operation": operation,
                                   "fault.crash.after": str(nth), "fault.crash.when": when})
        first = eo.start_sink(crashing, harness.temp_dir("eos-run1"))
        code = eo.wait_exit(first.proc, 90)
        first.log.close()
        self.assertEqual(code, eo.PLANNED_CRASH,
                         f"{operation}#{nth} {when}: no planned crash\n{first.log_text()[-2000:]}")
        second = eo.start_sink(config, harness.temp_dir("eos-run2"))
        try:
            eo.wait_committed(root, name, topic, [200, 200], second.proc)
        finally:
            self.assertEqual(second.stop(), 0, second.log_text()[-3000:])
        eo.assert_exactly_once(self, root, topic, name, records)
        harness.remove_tree(root)
        return second.log_text()

    def test_crash_after_each_protocol_step(self):
        # Puts 1-4 are the start-up probe, 5-6 create the two journals, then each flush
        # writes `pending` and `committed`: put 7 is the first pending, 8 and up the rest.
        scenarios = [
            ("create_multipart", 1, "after"),    # a file's upload exists, nothing journaled
            ("upload_part", 1, "after"),         # its parts are uploaded
            ("put", 7, "before"),                # parts uploaded, pending not written
            ("put", 7, "after"),                 # pending written, nothing completed
            ("complete_multipart", 1, "after"),  # pending, the object visible
            ("put", 8, "after"),                 # committed (or a second pending)
            ("put", 9, "after"),
            ("complete_multipart", 3, "before"),
            ("put", 12, "after"),
        ]
        topics = {s: harness.fresh_name("crash-" + s[0]) for s in scenarios}
        with harness.MockKafka(topics={t: 2 for t in topics.values()}) as kafka:
            with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
                futures = {pool.submit(self.crash_then_recover, kafka, topics[s], *s): s
                           for s in scenarios}
                logs = {}
                for f in concurrent.futures.as_completed(futures):
                    logs[futures[f]] = f.result()
        # The pending flush left by "put 7 after" was rolled forward by the next owner.
        self.assertIn("left pending by the previous owner", logs[("put", 7, "after")])

    def test_zombie_is_fenced(self):
        """Member A is frozen (SIGSTOP) in the middle of its flushes, past its session,
        while B takes its partitions over and writes them; A is thawed with a journal
        write in flight and records buffered: that write must fail and A must give the
        partitions up, with no record lost or written twice."""
        topic = harness.fresh_name("zombie")
        name = harness.fresh_name("eos")
        root = harness.temp_dir("zombie-root")
        per_partition = 300
        with harness.MockKafka(topics={topic: 2}) as kafka:
            config = eo.sink_config(kafka, topic, root, name, **{
                "flush.size": 20, "rotate.schedule.interval.ms": 2000})
            # A's journal writes take 1.5 s each, so it is nearly always inside one.
            slow = dict(config, **{"fault.latency.ms": "1500", "fault.operations": "put"})
            harness.produce_with_kafka_python(kafka.bootstrap, topic, range(2 * per_partition),
                                              2, eo.value)
            a = eo.start_sink(slow, harness.temp_dir("zombie-a"))
            harness.wait_until(
                lambda: min(eo.journal_committed(root, name, topic, 2).values()) >= 40, 120,
                "A to write some objects", proc=a.proc)
            time.sleep(0.7)
            a.proc.send_signal(signal.SIGSTOP)
            b = eo.start_sink(config, harness.temp_dir("zombie-b"))
            try:
                eo.wait_committed(root, name, topic, [per_partition] * 2, b.proc)
                a.proc.send_signal(signal.SIGCONT)  # the zombie wakes mid-write
                harness.wait_until(lambda: re.search(r"fenced|lost \d+ partition", a.log_text()),
                                   60, "A to notice it was replaced", proc=a.proc)
                harness.produce_with_kafka_python(kafka.bootstrap, topic,
                                                  range(2 * per_partition, 2 * per_partition + 100),
                                                  2, eo.value)
                eo.wait_committed(root, name, topic, [per_partition + 50] * 2, b.proc)
            finally:
                b_code = b.stop()
                a.proc.send_signal(signal.SIGCONT)
                a_code = a.stop()
        a_log = a.log_text()
        self.assertEqual(b_code, 0, b.log_text()[-3000:])
        self.assertEqual(a_code, 0, a_log[-3000:])
        self.assertIn("fenced", a_log, a_log[-3000:])
        eo.assert_exactly_once(self, root, topic, name, 2 * per_partition + 100)
        harness.remove_tree(root)

    def test_group_offset_reset_rewrites_nothing(self):
        topic = harness.fresh_name("reset")
        name = harness.fresh_name("eos")
        root = harness.temp_dir("reset-root")
        with harness.MockKafka(topics={topic: 2}) as kafka:
            config = eo.sink_config(kafka, topic, root, name, **{"flush.size": 100})
            harness.produce_with_kafka_python(kafka.bootstrap, topic, range(400), 2, eo.value)
            with harness.Sink(config, harness.temp_dir("reset-1")) as sink:
                eo.wait_committed(root, name, topic, [200, 200], sink.proc)
                self.assertEqual(sink.stop(), 0)
            lake = os.path.join(root, "lake", "topics", topic)
            before = {os.path.join(d, f): os.stat(os.path.join(d, f)).st_mtime_ns
                      for d, _, files in os.walk(lake) for f in files}
            self.assertEqual(len(before), 4)
            # An operator resets the group to the earliest offsets (kafka-python).
            from kafka import KafkaConsumer, TopicPartition
            from kafka.structs import OffsetAndMetadata
            consumer = KafkaConsumer(bootstrap_servers=kafka.bootstrap,
                                     group_id=f"connect-{name}", enable_auto_commit=False,
                                     session_timeout_ms=6000, heartbeat_interval_ms=500,
                                     api_version=(2, 5, 0))
            tps = [TopicPartition(topic, p) for p in range(2)]
            # As a member of the group (the mock coordinator refuses commits from outside
            # it while the stopped sink's membership has not expired).
            consumer.subscribe([topic])
            deadline = time.monotonic() + 60
            while len(consumer.assignment()) < 2 and time.monotonic() < deadline:
                consumer.poll(timeout_ms=200)
            consumer.commit({tp: OffsetAndMetadata(0, "") for tp in tps})
            consumer.close()
            self.assertEqual(harness.group_offsets(kafka.bootstrap, f"connect-{name}", topic, 2),
                             {0: 0, 1: 0})
            harness.produce_with_kafka_python(kafka.bootstrap, topic, range(400, 600), 2,
                                              eo.value)
            with harness.Sink(config, harness.temp_dir("reset-2")) as sink:
                eo.wait_committed(root, name, topic, [300, 300], sink.proc)
                self.assertEqual(sink.stop(), 0)
                log = sink.log_text()
        after = {k: os.stat(k).st_mtime_ns for k in before}
        self.assertEqual(before, after, "objects written before the reset were rewritten")
        self.assertIn("committed offset 200", log)
        eo.assert_exactly_once(self, root, topic, name, 600)
        harness.remove_tree(root)

    def test_deterministic_mode_replays_identical_objects(self):
        """exactly.once.mode=deterministic (the Confluent method): a crash after an object
        is written but before its offset is committed makes the replay rewrite the same
        key with the same bytes."""
        topic = harness.fresh_name("det")
        name = harness.fresh_name("det")
        root = harness.temp_dir("det-root")
        with harness.MockKafka(topics={topic: 1}) as kafka:
            config = eo.sink_config(kafka, topic, root, name, **{
                "flush.size": 100, "exactly.once.mode": "deterministic",
                "s3.compression.type": "gzip"})
            harness.produce_with_kafka_python(kafka.bootstrap, topic, range(300), 1, eo.value)
            # Puts 1-4 are the probe; put 6 is the second object: crash right after it,
            # before its offset can be committed.
            crashing = dict(config, **{"fault.crash.operation": "put", "fault.crash.after": "6"})
            first = eo.start_sink(crashing, harness.temp_dir("det-1"))
            self.assertEqual(eo.wait_exit(first.proc, 90), eo.PLANNED_CRASH,
                             first.log_text()[-2000:])
            first.log.close()
            lake = os.path.join(root, "lake", "topics", topic, "partition=0")
            written = {}
            for f in sorted(os.listdir(lake)):
                with open(os.path.join(lake, f), "rb") as fh:
                    written[f] = (fh.read(), os.stat(os.path.join(lake, f)).st_mtime_ns)
            self.assertEqual(len(written), 2)
            time.sleep(0.05)
            with harness.Sink(config, harness.temp_dir("det-2")) as sink:
                harness.wait_until(lambda: len(os.listdir(lake)) == 3, 90, "three objects",
                                   proc=sink.proc)
                harness.wait_until(
                    lambda: harness.group_offsets(kafka.bootstrap, f"connect-{name}", topic, 1)
                    == {0: 300}, 60, "the group offset", proc=sink.proc)
                self.assertEqual(sink.stop(), 0)
        rewritten = 0
        for f, (data, mtime) in written.items():
            with open(os.path.join(lake, f), "rb") as fh:
                self.assertEqual(fh.read(), data, f"{f} differs after the replay")
            rewritten += os.stat(os.path.join(lake, f)).st_mtime_ns != mtime
        self.assertGreaterEqual(rewritten, 1, "the replay rewrote nothing: no crash window?")
        code, report, text = eo.verify(root, topic, deep=False)
        self.assertEqual(code, 0, text)
        rows = harness.duckdb(
            "SELECT count(*) AS n, count(DISTINCT id) AS ids FROM read_json_auto('"
            + os.path.join(lake, "*.json.gz") + "')")
        self.assertEqual((int(rows[0]["n"]), int(rows[0]["ids"])), (300, 300))
        harness.remove_tree(root)


if __name__ == "__main__":
    unittest.main()
