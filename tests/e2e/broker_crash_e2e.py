"""Crash test: an idempotent producer with acks=all sends numbered records while
`tributary broker` is killed with SIGKILL several times and restarted on the same data
directory. Afterwards an independent consumer must read every acknowledged record
exactly once, in order per partition (DESIGN.md §8; issue #8)."""
import random
import threading
import time
import unittest

import broker_harness
import harness

PARTITIONS = 3
KILLS = 3


class BrokerCrashTest(unittest.TestCase):
    def test_acknowledged_records_survive_kill_9(self):
        from confluent_kafka import Producer
        from confluent_kafka.admin import AdminClient, NewTopic
        topic = harness.fresh_name("crash")
        rng = random.Random(8)
        # Pack often, so kills also land during packing, uploads and WAL trims.
        with broker_harness.Broker("--pack-interval-ms", "150") as broker:
            admin = AdminClient({"bootstrap.servers": broker.bootstrap})
            admin.create_topics([NewTopic(topic, PARTITIONS, 1)])[topic].result(10)
            acked, failed = {}, []
            lock = threading.Lock()

            def on_delivery(err, msg):
                with lock:
                    if err is None:
                        acked[int(msg.value())] = (msg.partition(), msg.offset())
                    else:
                        failed.append((int(msg.value()), str(err)))

            producer = Producer({"bootstrap.servers": broker.bootstrap, "acks": "all",
                                 "enable.idempotence": True, "linger.ms": 2,
                                 "message.timeout.ms": 60000, "reconnect.backoff.ms": 50,
                                 "reconnect.backoff.max.ms": 200})
            stop = threading.Event()
            sent = [0]

            def produce():
                n = 0
                while not stop.is_set():
                    try:
                        producer.produce(topic, value=str(n).encode(), partition=n % PARTITIONS,
                                         on_delivery=on_delivery)
                        n += 1
                    except BufferError:
                        pass
                    producer.poll(0)
                    if n % 50 == 0:
                        time.sleep(0.005)
                sent[0] = n

            t = threading.Thread(target=produce)
            t.start()
            try:
                for _ in range(KILLS):
                    time.sleep(rng.uniform(0.6, 1.2))
                    broker.kill9()
                    time.sleep(rng.uniform(0.05, 0.3))
                    broker.start()
                time.sleep(0.8)
            finally:
                stop.set()
                t.join()
            self.assertEqual(producer.flush(60), 0, "every record was delivered or failed")
            self.assertEqual(failed, [], "idempotent delivery with retries should not fail")
            self.assertGreater(len(acked), 1000, "enough traffic to cross the kills")
            # Read back with a fresh consumer (independent of the producer's view).
            records = broker_harness.consume_all(broker.bootstrap, topic, len(acked), timeout=60)
            values = [int(v) for _, _, _, v in records]
            self.assertEqual(len(values), len(set(values)), "no record appears twice")
            self.assertTrue(set(acked) <= set(values),
                            f"lost acknowledged records: {sorted(set(acked) - set(values))[:10]}")
            for p in range(PARTITIONS):
                in_partition = [(o, int(v)) for part, o, _, v in records if part == p]
                in_partition.sort()
                numbers = [n for _, n in in_partition]
                self.assertEqual(numbers, sorted(numbers), f"partition {p} is out of order")
            by_number = {int(v): (part, off) for part, off, _, v in records}
            mismatched = [n for n, po in acked.items() if by_number.get(n) != po]
            self.assertEqual(mismatched, [], "acknowledged offsets match what is read back")
            self.assertEqual(broker.stop(), 0, "SIGTERM stops the broker cleanly")
            log = broker.log_text()
            self.assertEqual(log.count("broker storage recovered"), KILLS + 1)
            print(f"sent {sent[0]}, acknowledged {len(acked)}, read back {len(values)}")


if __name__ == "__main__":
    unittest.main()
