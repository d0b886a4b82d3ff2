"""Bounded memory (buffer.memory.bytes): many partitions, a tiny budget and a slow
store. The sink must not grow past its budget: it sends parts or closes files early
(counted in its log), and every record still lands exactly once."""
import glob
import json
import os
import unittest

import broker_harness
import harness
import server_harness
import time
import exactly_once_harness as eo

PARTITIONS = 24
RECORDS = 12_000


def value(i):
    return json.dumps({"id": i, "blob": "y" * (1500 + i % 500)}).encode()


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


class SinkMemoryTest(unittest.TestCase):
    def test_tiny_budget_many_partitions_slow_store(self):
        topic = harness.fresh_name("mem")
        name = harness.fresh_name("mem")
        root = harness.temp_dir("mem-root")
        budget = 2 << 20
        with harness.MockKafka(topics={topic: PARTITIONS}) as kafka:
            harness.produce_with_kafka_python(kafka.bootstrap, topic, range(RECORDS), PARTITIONS,
                                              value)
            config = eo.sink_config(kafka, topic, root, name, **{
                "flush.size": 1_000_000, "rotate.schedule.interval.ms": 3000,
                "buffer.memory.bytes": budget,
                "fault.latency.ms": "5",
                "fault.operations": "put,create_multipart,upload_part,complete_multipart"})
            with harness.Sink(config, harness.temp_dir("mem-run")) as sink:
                eo.wait_committed(root, name, topic, [RECORDS // PARTITIONS] * PARTITIONS,
                                  sink.proc, timeout=240)
                rss = peak_rss_kib(sink.proc.pid)
                self.assertEqual(sink.stop(), 0)
                log = sink.log_text()
        rotations = [int(x) for x in __import__("re").findall(r"(\d+) early rotations", log)]
        self.assertTrue(rotations and max(rotations) > 0, log[-3000:])
        report = eo.assert_exactly_once(self, root, topic, name, RECORDS)
        objects = sum(p["objects"] for p in report["partitions"])
        data = sum(p["bytes"] for p in report["partitions"])
        pauses = log.count("pausing")
        print(f"\npeak RSS {rss // 1024} MiB with buffer.memory.bytes={budget >> 20} MiB; "
              f"{max(rotations)} early rotations, {pauses} pauses, {objects} objects, "
              f"{data // max(objects, 1)} bytes per object")
        # The budget bounds the open files; librdkafka's pre-fetch queue (16 MiB) and the
        # process itself come on top.
        self.assertLess(rss, (budget >> 10) + 96 * 1024, f"peak RSS {rss} KiB")
        harness.remove_tree(root)

    def test_parts_in_flight_pause_the_fastest_partitions(self):
        """A large file over a slow store: a 5 MiB part in flight is more than its quarter
        of an 8 MiB budget, so with the file growing again the sink pauses the partition
        that brings the bytes and resumes it once the upload drains; nothing is lost or
        duplicated. Runs on Tributary's
        broker: librdkafka's mock cluster keeps only about 5 MiB per partition."""
        partitions, records = 1, 16_000  # 32 MB: parts of 5 MiB while the file grows
        topic = harness.fresh_name("pause")
        name = harness.fresh_name("pause")
        root = harness.temp_dir("pause-root")
        budget = 8 << 20  # a 5 MiB part in flight is more than its quarter share
        with broker_harness.Broker("--pack-interval-ms", "500") as broker:
            from kafka.admin import KafkaAdminClient, NewTopic
            admin = KafkaAdminClient(bootstrap_servers=broker.bootstrap)
            admin.create_topics([NewTopic(topic, partitions, 1)])
            admin.close()
            harness.produce_with_kafka_python(broker.bootstrap, topic, range(records), partitions,
                                              value)
            config = eo.sink_config(broker, topic, root, name, **{
                "flush.size": 1_000_000, "rotate.schedule.interval.ms": 5000,
                "s3.part.size": 5 << 20, "buffer.memory.bytes": budget,
                "fault.latency.ms": "500", "fault.operations": "upload_part",
                "rest.port": 0})
            with harness.Sink(config, harness.temp_dir("pause-run")) as sink:
                rest = server_harness.Rest(server_harness.rest_port(sink))
                eo.wait_committed(root, name, topic, [records // partitions] * partitions,
                                  sink.proc, timeout=240)
                time.sleep(1.5)  # the exported figures refresh every second
                _, samples = rest.metrics()
                rest.close()
                self.assertEqual(sink.stop(), 0)
                log = sink.log_text()
        pauses, resumes = log.count("pausing"), log.count("resumed")
        self.assertEqual(server_harness.sample(samples, "tributary_sink_memory_pauses_total"),
                         pauses)
        self.assertEqual(
            server_harness.sample(samples, "tributary_sink_memory_paused_partitions"), 0)
        print(f"\npause: {pauses} pauses, {resumes} resumes")
        self.assertGreater(pauses, 0, log[-3000:])
        self.assertGreater(resumes, 0, log[-3000:])
        eo.assert_exactly_once(self, root, topic, name, records)
        harness.remove_tree(root)

    def test_spill_dir_keeps_memory_low_and_leftovers_are_removed(self):
        """buffer.spill.dir: files grow past the memory budget (their bytes wait on disk),
        a kill -9 leaves spill files behind, and the restart removes them and still
        writes every record exactly once."""
        partitions, records = 8, 12_000
        topic = harness.fresh_name("spill")
        name = harness.fresh_name("spill")
        root = harness.temp_dir("spill-root")
        spill = harness.temp_dir("spill-dir")
        budget = 2 << 20
        target = 2_500_000  # flush.bytes: larger than the whole memory budget
        with harness.MockKafka(topics={topic: partitions}) as kafka:
            harness.produce_with_kafka_python(kafka.bootstrap, topic, range(records), partitions,
                                              value)
            config = eo.sink_config(kafka, topic, root, name, **{
                "flush.size": 1_000_000, "flush.bytes": target,
                "rotate.schedule.interval.ms": 10000,
                "buffer.memory.bytes": budget, "buffer.spill.dir": spill,
                "fault.latency.ms": "5",
                "fault.operations": "put,create_multipart,upload_part,complete_multipart"})
            spill_files = lambda: glob.glob(os.path.join(spill, name, "*.spill"))
            first = eo.start_sink(config, harness.temp_dir("spill-run1"))
            try:
                harness.wait_until(lambda: len(spill_files()) >= partitions // 2, 120,
                                   "open files to spill", proc=first.proc, interval=0.05)
            finally:
                eo.kill9(first)
            left = len(spill_files())
            self.assertGreater(left, 0)
            with harness.Sink(config, harness.temp_dir("spill-run2")) as sink:
                eo.wait_committed(root, name, topic, [records // partitions] * partitions,
                                  sink.proc, timeout=240)
                rss = peak_rss_kib(sink.proc.pid)
                self.assertEqual(sink.stop(), 0)
                log = sink.log_text()
        self.assertRegex(log, r"removed \d+ spill file\(s\)")
        self.assertEqual(spill_files(), [])  # a clean stop leaves nothing
        report = eo.assert_exactly_once(self, root, topic, name, records)
        sizes = [os.path.getsize(f) for f in glob.glob(
            os.path.join(root, "lake", "topics", topic, "*", "*.json"))]
        big = [s for s in sizes if s >= target]
        print(f"\nspill: {left} spill files left by kill -9 and removed; peak RSS "
              f"{rss // 1024} MiB with buffer.memory.bytes={budget >> 20} MiB; "
              f"{len(sizes)} objects, {len(big)} of at least {target} bytes")
        # Without spilling no file can outgrow the memory budget (2 MiB).
        self.assertGreaterEqual(len(big), 1, sizes)
        self.assertLess(rss, (budget >> 10) + 96 * 1024, f"peak RSS {rss} KiB")
        self.assertTrue(report["partitions"])
        harness.remove_tree(root)
        harness.remove_tree(spill)


if __name__ == "__main__":
    unittest.main()
