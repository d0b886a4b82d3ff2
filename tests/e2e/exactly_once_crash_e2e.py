"""Random crashes (CTest label `crash`): at least 50 `kill -9` at random moments of
multi-partition runs with small files and wall-clock rotation, restarting each time;
afterwards `tributary verify` and DuckDB find every produced record exactly once.

Three sinks run side by side (own topic, group and journals), 17 kills each, because
every restart waits for librdkafka's mock coordinator to expire the killed member's
6-second session before it assigns partitions again."""
import concurrent.futures
import random
import time
import unittest

import harness
import exactly_once_harness as eo

LOOPS = 3
KILLS_PER_LOOP = 17
PARTITIONS = 3
CHUNK = 90  # records produced before each restart


class RandomCrashTest(unittest.TestCase):
    def crash_loop(self, kafka, topic, seed):
        rng = random.Random(seed)
        name = harness.fresh_name("kill")
        root = harness.temp_dir("kill-root")
        config = eo.sink_config(kafka, topic, root, name, **{
            "flush.size": 25, "rotate.schedule.interval.ms": 2000})
        produced = 0
        kills = 0
        early = 0
        while kills < KILLS_PER_LOOP:
            harness.produce_with_kafka_python(kafka.bootstrap, topic,
                                              range(produced, produced + CHUNK), PARTITIONS,
                                              eo.value)
            produced += CHUNK
            sink = eo.start_sink(config, harness.temp_dir("kill-run"))
            if rng.random() < 0.15:
                time.sleep(rng.uniform(0.05, 1.0))  # before it owns anything, sometimes
                early += 1
            else:
                eo.wait_assigned(sink, timeout=90)
                time.sleep(rng.uniform(0.0, 3.0))
            self.assertIsNone(sink.proc.poll(), sink.log_text()[-2000:])
            eo.kill9(sink)
            kills += 1
        final = eo.start_sink(config, harness.temp_dir("kill-final"))
        per_partition = [len(range(p, produced, PARTITIONS)) for p in range(PARTITIONS)]
        try:
            eo.wait_assigned(final, timeout=90)
            eo.wait_committed(root, name, topic, per_partition, final.proc, timeout=180)
        finally:
            code = final.stop()
        self.assertEqual(code, 0, final.log_text()[-3000:])
        report = eo.assert_exactly_once(self, root, topic, name, produced)
        objects = sum(p["objects"] for p in report["partitions"])
        harness.remove_tree(root)
        return kills, early, produced, objects

    def test_fifty_random_kills(self):
        topics = [harness.fresh_name("kill") for _ in range(LOOPS)]
        with harness.MockKafka(topics={t: PARTITIONS for t in topics}) as kafka:
            with concurrent.futures.ThreadPoolExecutor(max_workers=LOOPS) as pool:
                results = list(pool.map(lambda a: self.crash_loop(kafka, *a),
                                        [(t, 1000 + i) for i, t in enumerate(topics)]))
        kills = sum(r[0] for r in results)
        self.assertGreaterEqual(kills, 50)
        print(f"\n{kills} kills ({sum(r[1] for r in results)} before assignment), "
              f"{sum(r[2] for r in results)} records, {sum(r[3] for r in results)} objects: "
              f"each record exactly once")


if __name__ == "__main__":
    unittest.main()
