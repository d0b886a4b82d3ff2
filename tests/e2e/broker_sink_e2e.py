"""`tributary sink` reading from `tributary broker` instead of librdkafka's mock cluster:
kafka-python produces, the sink writes JSON objects to a local store, DuckDB reads them
back, and the sink's committed group offsets are checked with kafka-python."""
import json
import os
import unittest

import broker_harness
import harness

RECORDS = 3000
PARTITIONS = 3
FLUSH_SIZE = 100


class BrokerSinkTest(unittest.TestCase):
    def test_sink_consumes_from_tributary_broker(self):
        topic = harness.fresh_name("orders")
        workdir = harness.temp_dir("broker-sink")
        root = harness.temp_dir("broker-sink-store")
        with broker_harness.Broker("--pack-interval-ms", "500") as broker:
            from kafka.admin import KafkaAdminClient, NewTopic
            admin = KafkaAdminClient(bootstrap_servers=broker.bootstrap)
            admin.create_topics([NewTopic(topic, PARTITIONS, 1)])
            admin.close()
            harness.produce_with_kafka_python(
                broker.bootstrap, topic, range(RECORDS), PARTITIONS,
                lambda i: json.dumps({"id": i, "amount": i * 3}).encode())
            config = {
                "name": harness.fresh_name("sink"),
                "topics": topic,
                "bootstrap.servers": broker.bootstrap,
                "format.class": "io.confluent.connect.s3.format.json.JsonFormat",
                "flush.size": FLUSH_SIZE,
                "store.url": f"file://{root}",
                "s3.bucket.name": "lake",
                "consumer.override.session.timeout.ms": 6000,
                "consumer.override.heartbeat.interval.ms": 500,
            }
            base = os.path.join(root, "lake", "topics", topic)

            def objects():
                return [f for _, _, files in os.walk(base) for f in files]

            with harness.Sink(config, workdir) as sink:
                harness.wait_until(lambda: len(objects()) >= RECORDS // FLUSH_SIZE, 90,
                                   "30 objects", proc=sink.proc)
                code = sink.stop()
                log = sink.log_text()
            self.assertEqual(code, 0, log)
            self.assertEqual(harness.group_offsets(broker.bootstrap, "connect-" + config["name"],
                                                   topic, PARTITIONS),
                             {p: RECORDS // PARTITIONS for p in range(PARTITIONS)})
        rows = harness.duckdb(
            f"SELECT count(*) AS n, count(DISTINCT id) AS ids, sum(amount) AS amount "
            f"FROM read_json_auto('{base}/*/*.json')")
        self.assertEqual(int(rows[0]["n"]), RECORDS)
        self.assertEqual(int(rows[0]["ids"]), RECORDS)
        self.assertEqual(int(rows[0]["amount"]), sum(i * 3 for i in range(RECORDS)))
        harness.remove_tree(workdir)
        harness.remove_tree(root)


if __name__ == "__main__":
    unittest.main()
