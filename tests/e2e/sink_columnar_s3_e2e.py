"""AvroConverter to Parquet and to Avro on radosgw (real S3): Schema Registry framed records
produced by kafka-python (payloads encoded by python3-avro, schemas served by a local
responder because no real registry can run here), written by the running sink into a
radosgw bucket, downloaded with boto3, then queried with DuckDB using hive partitioning and
read with python3-avro."""
import os
import unittest

import columnar_harness
import harness

PARTITIONS = 2
COUNT = 240
FLUSH = 40


class SinkColumnarS3Test(unittest.TestCase):
    def run_on_radosgw(self, extra):
        workdir = harness.temp_dir("columnar-s3")
        self.addCleanup(harness.remove_tree, workdir)
        url, payloads = columnar_harness.start_registry(self, workdir)
        rgw = harness.radosgw_env()
        topic = harness.fresh_name("cols3")
        download = os.path.join(workdir, "download")
        with harness.S3Bucket() as bucket, harness.MockKafka(topics={topic: PARTITIONS}) as kafka:
            harness.produce_with_kafka_python(kafka.bootstrap, topic, range(COUNT), PARTITIONS,
                                              lambda i: payloads[i % 3])
            config = {"name": harness.fresh_name("sink"), "topics": topic,
                      "bootstrap.servers": kafka.bootstrap, "flush.size": FLUSH,
                      "store.url": rgw["S3_ENDPOINT"], "s3.bucket.name": bucket.name,
                      "s3.region": rgw.get("S3_REGION", "us-east-1"),
                      "aws.access.key.id": rgw["S3_ACCESS_KEY"],
                      "aws.secret.access.key": rgw["S3_SECRET_KEY"],
                      **columnar_harness.registry_config(url), **extra}
            want = COUNT // FLUSH
            with harness.Sink(config, os.path.join(workdir)) as sink:
                harness.wait_until(lambda: len(bucket.keys(f"topics/{topic}/")) >= want, 120,
                                   f"{want} objects", proc=sink.proc)
                self.assertEqual(sink.stop(), 0, sink.log_text())
            bucket.download_all(f"topics/{topic}/", download)
        base = os.path.join(download, "topics", topic)
        files = sorted(os.path.join(d, f) for d, _, fs in os.walk(base) for f in fs)
        self.assertEqual(len(files), want)
        return base, files

    def test_avro_converter_to_parquet(self):
        base, files = self.run_on_radosgw({"format.class": "ParquetFormat",
                                           "parquet.codec": "zstd"})
        self.assertTrue(all(f.endswith(".zstd.parquet") for f in files), files)
        rows = harness.duckdb(
            f"SELECT \"partition\" AS p, count(*) AS n, sum(id) AS ids, sum(price) AS price, "
            f"count(addr) AS addrs FROM read_parquet('{base}/*/*.parquet', "
            f"hive_partitioning=true) GROUP BY ALL ORDER BY p")
        self.assertEqual(rows, columnar_harness.expected_per_partition(COUNT, PARTITIONS))

    def test_avro_converter_to_avro(self):
        _, files = self.run_on_radosgw({"format.class": "AvroFormat", "avro.codec": "snappy"})
        ids = []
        for f in files:
            self.assertTrue(f.endswith(".avro"), f)
            result = columnar_harness.read_avro(f)
            self.assertEqual(result["codec"], "snappy")
            self.assertEqual(result["schema"]["name"], "Payment")
            ids += [r["id"] for r in result["records"]]
        self.assertEqual(sorted(ids), sorted(columnar_harness.PAYLOAD_FACTS[i % 3][0]
                                             for i in range(COUNT)))


if __name__ == "__main__":
    unittest.main()
