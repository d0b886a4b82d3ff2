"""With 10% of store operations failing (503 SlowDown, connection resets), the sink
still writes exactly the objects and records it writes without faults; the retries show
in its log. Faults come from the fault-injecting store (fault.* keys)."""
import json
import os
import re
import unittest

import harness

RECORDS = 6_000
PARTITIONS = 3
FLUSH_SIZE = 200


class SinkFaultsTest(unittest.TestCase):
    def run_with_faults(self, store_config, list_keys, local_dir):
        topic = harness.fresh_name("faulty")
        workdir = harness.temp_dir("faults")
        with harness.MockKafka(topics={topic: PARTITIONS}) as kafka:
            harness.produce_with_kafka_python(
                kafka.bootstrap, topic, range(RECORDS), PARTITIONS,
                lambda i: json.dumps({"id": i}).encode())
            config = {
                "name": harness.fresh_name("sink"),
                "topics": topic,
                "bootstrap.servers": kafka.bootstrap,
                "format.class": "JsonFormat",
                "flush.size": FLUSH_SIZE,
                "fault.error.rate": "0.1",
                "fault.error.kinds": "slowdown,reset",
                "fault.seed": "7",
                **store_config,
            }
            want = RECORDS // FLUSH_SIZE
            with harness.Sink(config, workdir) as sink:
                harness.wait_until(lambda: len(list_keys(topic)) >= want, 300,
                                   f"{want} objects", proc=sink.proc)
                code = sink.stop()
                log = sink.log_text()
        self.assertEqual(code, 0, log)
        retries = len(re.findall(r"retrying (put|create upload|upload part|complete upload)", log))
        self.assertGreater(retries, 0, "no retries logged: were faults injected?\n" + log[-3000:])
        self.assertRegex(log, r"\d+ store retries")
        keys = sorted(list_keys(topic))
        self.assertEqual(len(keys), want)
        glob = os.path.join(local_dir(topic), "*", "*.json")
        rows = harness.duckdb(f"SELECT count(*) AS n, count(DISTINCT id) AS ids, min(id) AS lo, "
                              f"max(id) AS hi FROM read_json_auto('{glob}')")
        self.assertEqual([int(rows[0][k]) for k in ("n", "ids", "lo", "hi")],
                         [RECORDS, RECORDS, 0, RECORDS - 1])
        harness.remove_tree(workdir)
        return retries

    def test_local_store_with_faults(self):
        root = harness.temp_dir("faults-local")

        def list_keys(topic):
            base = os.path.join(root, "lake")
            return [os.path.relpath(os.path.join(d, f), base)
                    for d, _, files in os.walk(os.path.join(base, "topics", topic))
                    for f in files]

        self.run_with_faults({"store.url": f"file://{root}", "s3.bucket.name": "lake"},
                             list_keys, lambda topic: os.path.join(root, "lake", "topics", topic))
        harness.remove_tree(root)

    def test_store_ignoring_conditional_writes_is_detected_at_start(self):
        topic = harness.fresh_name("probe")
        for ignore, expected in (("false", "honours conditional writes"),
                                 ("true", "does not honour conditional writes")):
            root = harness.temp_dir("probe")
            workdir = harness.temp_dir("probe-run")
            with harness.MockKafka(topics={topic: 1}) as kafka:
                harness.produce_with_kafka_python(kafka.bootstrap, topic, range(5), 1,
                                                  lambda i: b"{}")
                config = {"name": harness.fresh_name("sink"), "topics": topic,
                          "bootstrap.servers": kafka.bootstrap, "format.class": "JsonFormat",
                          "flush.size": 5, "store.url": f"file://{root}",
                          "s3.bucket.name": "lake", "fault.ignore.conditions": ignore}
                with harness.Sink(config, workdir) as sink:
                    harness.wait_until(lambda: os.path.isdir(os.path.join(root, "lake", "topics")),
                                       60, "an object", proc=sink.proc)
                    self.assertEqual(sink.stop(), 0)
                    log = sink.log_text()
            self.assertIn(expected, log)
            if ignore == "true":
                self.assertIn("exactly.once.mode=deterministic", log)
            else:
                self.assertIn("exactly.once.mode=journal", log)
            # The probe object is gone; lake readers never see it.
            self.assertFalse(os.path.exists(os.path.join(root, "lake", "_tributary", "probe"))
                             and os.listdir(os.path.join(root, "lake", "_tributary", "probe")))
            harness.remove_tree(root)
            harness.remove_tree(workdir)


    def test_journal_mode_refused_on_a_store_without_conditional_writes(self):
        root = harness.temp_dir("refuse")
        workdir = harness.temp_dir("refuse-run")
        config = {"name": "refuse", "topics": "t", "bootstrap.servers": "127.0.0.1:1",
                  "format.class": "JsonFormat", "flush.size": 5, "store.url": f"file://{root}",
                  "s3.bucket.name": "lake", "fault.ignore.conditions": "true",
                  "exactly.once.mode": "journal"}
        with harness.Sink(config, workdir) as sink:
            code = sink.proc.wait(30)
            sink.log.close()
            log = sink.log_text()
        self.assertEqual(code, 2, log)
        self.assertIn("exactly.once.mode=journal needs a store that honours conditional writes",
                      log)
        # Auto mode falls back to deterministic, but not with wall-clock rotation.
        del config["exactly.once.mode"]
        config["rotate.schedule.interval.ms"] = "60000"
        config["timezone"] = "UTC"
        with harness.Sink(config, harness.temp_dir("refuse-run2")) as sink:
            code = sink.proc.wait(30)
            sink.log.close()
            log = sink.log_text()
        self.assertEqual(code, 2, log)
        self.assertIn("rotate.schedule.interval.ms closes files by the wall clock", log)
        harness.remove_tree(root)


if __name__ == "__main__":
    unittest.main()
