"""Sink features that need a real S3 server (radosgw): multipart uploads of large files
read back byte-identical by boto3, and SSE-C objects readable only with their key."""
import base64
import json
import os
import time
import unittest

import harness

PART_SIZE = 5 * 1024 * 1024  # S3's minimum part size


def sink_config(kafka, topic, bucket, rgw, **extra):
    return {
        "name": harness.fresh_name("sink"),
        "topics": topic,
        "bootstrap.servers": kafka.bootstrap,
        "format.class": "io.confluent.connect.s3.format.json.JsonFormat",
        "store.url": rgw["S3_ENDPOINT"],
        "s3.bucket.name": bucket.name,
        "s3.region": rgw.get("S3_REGION", "us-east-1"),
        "aws.access.key.id": rgw["S3_ACCESS_KEY"],
        "aws.secret.access.key": rgw["S3_SECRET_KEY"],
        **{k: str(v) for k, v in extra.items()},
    }


class SinkS3FeaturesTest(unittest.TestCase):
    def run_sink_until(self, config, bucket, prefix, count):
        workdir = harness.temp_dir("s3-features")
        with harness.Sink(config, workdir) as sink:
            harness.wait_until(lambda: len(bucket.keys(prefix)) >= count, 240,
                               f"{count} object(s)", proc=sink.proc)
            code = sink.stop()
            log = sink.log_text()
        self.assertEqual(code, 0, log)
        harness.remove_tree(workdir)
        return log

    def test_large_file_uploads_in_parallel_parts(self):
        # 1,024 records of 64 KiB: one 64 MiB object, 13 parts of 5 MiB.
        records, value_size = 1024, 64 * 1024
        topic = harness.fresh_name("big")

        def value(i):
            pad = "x" * value_size
            return json.dumps({"i": i, "pad": pad}, separators=(",", ":")).encode()

        rgw = harness.radosgw_env()
        workdir = harness.temp_dir("s3-features")
        with harness.S3Bucket() as bucket, harness.MockKafka(topics={topic: 1}) as kafka:
            config = sink_config(kafka, topic, bucket, rgw, **{"flush.size": records,
                                                               "s3.part.size": PART_SIZE})
            with harness.Sink(config, workdir) as sink:
                # librdkafka 2.0.2's mock cluster keeps only the newest ~5 MB of a
                # partition, so the sink consumes while the records are produced, at a
                # pace (about 4 MB/s) it easily keeps ahead of.
                harness.wait_until(lambda: "assigned 1 partition" in sink.log_text(), 60,
                                   "the sink's assignment", proc=sink.proc)
                from kafka import KafkaProducer
                producer = KafkaProducer(bootstrap_servers=kafka.bootstrap, acks="all",
                                         api_version=(2, 5, 0), max_request_size=4 << 20)
                for start in range(0, records, 16):
                    for i in range(start, start + 16):
                        producer.send(topic, value=value(i), partition=0)
                    producer.flush(timeout=60)
                    time.sleep(0.25)
                producer.close()
                harness.wait_until(lambda: len(bucket.keys(f"topics/{topic}/")) >= 1, 240,
                                   "the 64 MiB object", proc=sink.proc)
                code = sink.stop()
                log = sink.log_text()
            self.assertEqual(code, 0, log)
            key = f"topics/{topic}/partition=0/{topic}+0+0000000000.json"
            self.assertEqual(bucket.keys(f"topics/{topic}/"), [key])
            head = bucket.client.head_object(Bucket=bucket.name, Key=key)
            expected = b"".join(value(i) + b"\n" for i in range(records))
            self.assertGreaterEqual(len(expected), 64 * 1024 * 1024)
            self.assertEqual(head["ContentLength"], len(expected))
            parts = -(-len(expected) // PART_SIZE)
            self.assertTrue(head["ETag"].strip('"').endswith(f"-{parts}"),
                            f"not a {parts}-part multipart object: ETag {head['ETag']}")
            self.assertEqual(head["Metadata"].get("tributary-first-offset"), "0")
            body = bucket.client.get_object(Bucket=bucket.name, Key=key)["Body"].read()
            self.assertEqual(body, expected)
            # No upload is left behind.
            uploads = bucket.client.list_multipart_uploads(Bucket=bucket.name)
            self.assertEqual(uploads.get("Uploads", []), [])
        harness.remove_tree(workdir)

    def test_sse_c_objects_need_the_key(self):
        topic = harness.fresh_name("secret")
        key_bytes = os.urandom(32)
        customer_key = base64.b64encode(key_bytes).decode()
        rgw = harness.radosgw_env()
        with harness.S3Bucket() as bucket, harness.MockKafka(topics={topic: 1}) as kafka:
            harness.produce_with_kafka_python(kafka.bootstrap, topic, range(10), 1,
                                              lambda i: json.dumps({"i": i}).encode())
            config = sink_config(kafka, topic, bucket, rgw, **{"flush.size": 10,
                                                               "s3.sse.customer.key": customer_key})
            log = self.run_sink_until(config, bucket, f"topics/{topic}/", 1)
            self.assertNotIn(customer_key, log)
            key = f"topics/{topic}/partition=0/{topic}+0+0000000000.json"
            import botocore.exceptions
            with self.assertRaises(botocore.exceptions.ClientError):
                bucket.client.get_object(Bucket=bucket.name, Key=key)
            body = bucket.client.get_object(Bucket=bucket.name, Key=key,
                                            SSECustomerAlgorithm="AES256",
                                            SSECustomerKey=key_bytes)["Body"].read()
            self.assertEqual([json.loads(line)["i"] for line in body.splitlines()],
                             list(range(10)))

    def test_object_tagging(self):
        topic = harness.fresh_name("tagged")
        rgw = harness.radosgw_env()
        with harness.S3Bucket() as bucket, harness.MockKafka(topics={topic: 1}) as kafka:
            harness.produce_with_kafka_python(kafka.bootstrap, topic, range(20), 1,
                                              lambda i: json.dumps({"i": i}).encode())
            # radosgw 16.2 drops the tags of CreateMultipartUpload, and the journal writes
            # every object as a multipart upload: tags are checked in deterministic mode
            # (single PUTs) here; docs/exactly-once.md says so.
            config = sink_config(kafka, topic, bucket, rgw, **{
                "exactly.once.mode": "deterministic",
                "flush.size": 10, "s3.object.tagging": "true",
                "s3.object.tagging.key.value.pairs": "team:data,env:test"})
            self.run_sink_until(config, bucket, f"topics/{topic}/", 2)
            key = f"topics/{topic}/partition=0/{topic}+0+0000000010.json"
            tags = bucket.client.get_object_tagging(Bucket=bucket.name, Key=key)["TagSet"]
            self.assertEqual({t["Key"]: t["Value"] for t in tags},
                             {"startOffset": "10", "endOffset": "19", "recordCount": "10",
                              "team": "data", "env": "test"})


if __name__ == "__main__":
    unittest.main()
