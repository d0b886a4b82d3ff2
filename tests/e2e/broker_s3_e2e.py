"""`tributary broker` with its objects on real S3 (radosgw): a smoke test that the store
is a configuration change. Records produced by confluent-kafka are packed into objects in
the bucket (read there by boto3); after a clean restart, with the WAL trimmed and no
cache, a consumer reads every record back through those objects."""
import time
import unittest

import broker_harness
import harness


class BrokerOnS3Test(unittest.TestCase):
    def test_packed_objects_on_radosgw_serve_reads_after_restart(self):
        from confluent_kafka import Producer
        rgw = harness.radosgw_env()
        env = {"AWS_ACCESS_KEY_ID": rgw["S3_ACCESS_KEY"],
               "AWS_SECRET_ACCESS_KEY": rgw["S3_SECRET_KEY"],
               "AWS_REGION": rgw.get("S3_REGION", "us-east-1")}
        topic = harness.fresh_name("s3")
        with harness.S3Bucket() as bucket:
            broker = broker_harness.Broker("--store-url", rgw["S3_ENDPOINT"], "--bucket",
                                           bucket.name, "--pack-interval-ms", "300",
                                           "--default-partitions", "2", env=env)
            with broker:
                p = Producer({"bootstrap.servers": broker.bootstrap, "enable.idempotence": True,
                              "compression.type": "zstd", "linger.ms": 5})
                for i in range(500):
                    p.produce(topic, key=str(i), value=f"s3-{i}".encode(), partition=i % 2)
                self.assertEqual(p.flush(20), 0)
                harness.wait_until(lambda: bucket.keys("broker/data/"), 30,
                                   "a packed object in the bucket", proc=broker.proc)
                self.assertEqual(broker.stop(), 0)  # packs the rest, trims the WAL
                data = bucket.keys("broker/data/")
                self.assertTrue(all(k.endswith(".obj") for k in data), data)
                self.assertIn("broker/metadata/snapshot", bucket.keys("broker/metadata/"))
                size = sum(bucket.client.head_object(Bucket=bucket.name, Key=k)["ContentLength"]
                           for k in data)
                self.assertGreater(size, 0)
                time.sleep(0.2)
                broker.start()  # same data dir: recovers, reads come from radosgw
                got = broker_harness.consume_all(broker.bootstrap, topic, 500, timeout=40)
        self.assertEqual(sorted(v.decode() for _, _, _, v in got),
                         sorted(f"s3-{i}" for i in range(500)))
        per_partition = {}
        for part, off, _, _ in got:
            per_partition.setdefault(part, []).append(off)
        self.assertEqual({k: sorted(v) for k, v in per_partition.items()},
                         {0: list(range(250)), 1: list(range(250))})


if __name__ == "__main__":
    unittest.main()
