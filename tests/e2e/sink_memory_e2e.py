"""Bounded memory (buffer.memory.bytes): many partitions, a tiny budget and a slow
store. The sink must not grow past its budget: it sends parts or closes files early
(counted in its log), and every record still lands exactly once."""
import json
import os
import unittest

import harness
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
        print(f"\npeak RSS {rss // 1024} MiB with buffer.memory.bytes={budget >> 20} MiB; "
              f"{max(rotations)} early rotations, {objects} objects, "
              f"{data // max(objects, 1)} bytes per object")
        # The budget bounds the open files; librdkafka's pre-fetch queue (16 MiB) and the
        # process itself come on top.
        self.assertLess(rss, (budget >> 10) + 96 * 1024, f"peak RSS {rss} KiB")
        harness.remove_tree(root)


if __name__ == "__main__":
    unittest.main()
