"""Bad records: errors.tolerance=none stops the sink at the first one, naming it;
errors.tolerance=all sends each to the dead-letter topic (with Connect's context
headers) and writes the records around it; the objects still account for every offset
(`tributary verify`), and DuckDB finds exactly the good records."""
import json
import time
import unittest

import harness
import exactly_once_harness as eo

PARTITIONS = 2
RECORDS = 300


def bad(i):
    return i % 37 == 5


def tombstone(i):
    return i % 53 == 7


def value(i):
    if tombstone(i):
        return None
    if bad(i):
        return b'{"id": ' + str(i).encode() + b', oops'
    return json.dumps({"id": i}).encode()


class SinkErrorsTest(unittest.TestCase):
    def test_dead_letter_topic(self):
        topic = harness.fresh_name("dirty")
        dlq = harness.fresh_name("dlq")
        name = harness.fresh_name("errs")
        root = harness.temp_dir("errors-root")
        with harness.MockKafka(topics={topic: PARTITIONS, dlq: 1}) as kafka:
            harness.produce_with_kafka_python(kafka.bootstrap, topic, range(RECORDS), PARTITIONS,
                                              value)
            config = eo.sink_config(kafka, topic, root, name, **{
                "flush.size": 50, "rotate.schedule.interval.ms": 2000,
                "behavior.on.null.values": "ignore",
                "errors.tolerance": "all", "errors.deadletterqueue.topic.name": dlq,
                "errors.deadletterqueue.context.headers.enable": "true",
                "errors.log.enable": "true"})
            with harness.Sink(config, harness.temp_dir("errors-run")) as sink:
                eo.wait_committed(root, name, topic, [RECORDS // PARTITIONS] * PARTITIONS,
                                  sink.proc)
                self.assertEqual(sink.stop(), 0)
                log = sink.log_text()
            from kafka import KafkaConsumer
            consumer = KafkaConsumer(dlq, bootstrap_servers=kafka.bootstrap,
                                     auto_offset_reset="earliest", consumer_timeout_ms=5000,
                                     api_version=(2, 5, 0))
            dead = list(consumer)
            consumer.close()
        want_bad = [i for i in range(RECORDS) if bad(i) and not tombstone(i)]
        want_null = [i for i in range(RECORDS) if tombstone(i)]
        self.assertRegex(log, r"skipping dirty-\w+-\d+@\d+: ")
        by_key = {int(m.key): m for m in dead}
        self.assertEqual(sorted(by_key), sorted(want_bad + want_null))
        for i in want_bad:
            m = by_key[i]
            self.assertEqual(m.value, value(i))  # the original bytes
            headers = {k: v.decode() for k, v in m.headers}
            self.assertEqual(headers["__connect.errors.topic"], topic)
            self.assertEqual(int(headers["__connect.errors.partition"]), i % PARTITIONS)
            self.assertEqual(int(headers["__connect.errors.offset"]), i // PARTITIONS)
            self.assertIn("JSON", headers["__connect.errors.exception.message"].upper())
        for i in want_null:
            self.assertIsNone(by_key[i].value)
        good = RECORDS - len(want_bad) - len(want_null)
        # Every offset is accounted for: skipped records sit inside the flushes' ranges.
        eo.assert_exactly_once(self, root, topic, name, good)
        harness.remove_tree(root)

    def test_first_bad_record_stops_the_sink(self):
        topic = harness.fresh_name("strict")
        name = harness.fresh_name("errs")
        root = harness.temp_dir("strict-root")
        with harness.MockKafka(topics={topic: 1}) as kafka:
            harness.produce_with_kafka_python(
                kafka.bootstrap, topic, range(120), 1,
                lambda i: b"not json" if i == 77 else json.dumps({"id": i}).encode())
            config = eo.sink_config(kafka, topic, root, name, **{"flush.size": 25})
            with harness.Sink(config, harness.temp_dir("strict-run")) as sink:
                code = eo.wait_exit(sink.proc, 90)
                sink.log.close()
                log = sink.log_text()
        self.assertEqual(code, 1, log[-2000:])
        self.assertRegex(log, rf"{topic}-0@77: .*JSON", log[-2000:])
        # The three files before it are written; nothing after it is committed.
        self.assertEqual(eo.journal_committed(root, name, topic, 1), {0: 75})
        self.assertEqual(eo.duckdb_counts(root, topic), (75, 75))
        harness.remove_tree(root)


if __name__ == "__main__":
    unittest.main()
