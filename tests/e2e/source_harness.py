"""Helpers of the `tributary source` scenarios (issue #11): records with keys, headers and
timestamps produced and read back with kafka-python (independent of librdkafka), the
source as a child process, and a sink config writing envelopes to radosgw."""
import os
import signal
import subprocess

import harness


def produce(bootstrap, topic, records):
    """records: list of dicts {partition, key, value, headers, timestamp_ms}."""
    from kafka import KafkaProducer
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=20,
                             api_version=(2, 5, 0))
    futures = [producer.send(topic, key=r["key"], value=r["value"], partition=r["partition"],
                             headers=r["headers"], timestamp_ms=r["timestamp_ms"])
               for r in records]
    producer.flush(timeout=120)
    for f in futures:
        f.get(timeout=60)
    producer.close()


def read_partitions(bootstrap, topic, partitions):
    """{partition: [(key, value, headers, timestamp_ms)]} up to each end offset, read with
    isolation_level=read_committed."""
    from kafka import KafkaConsumer, TopicPartition
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                             isolation_level="read_committed", api_version=(2, 5, 0),
                             auto_offset_reset="earliest", consumer_timeout_ms=3000)
    tps = [TopicPartition(topic, p) for p in range(partitions)]
    consumer.assign(tps)
    consumer.seek_to_beginning(*tps)
    ends = consumer.end_offsets(tps)
    out = {p: [] for p in range(partitions)}
    idle = 0
    while any(consumer.position(tp) < ends[tp] for tp in tps) and idle < 10:
        batch = consumer.poll(timeout_ms=1000, max_records=5000)
        idle = 0 if batch else idle + 1
        for tp, messages in batch.items():
            for m in messages:
                out[tp.partition].append((m.key, m.value, list(m.headers), m.timestamp))
    consumer.close()
    return out


def run_source(config, workdir, extra_args=(), timeout=120):
    path = os.path.join(workdir, "source.properties")
    harness.write_properties(path, config)
    return subprocess.run([harness.env_path("TRIBUTARY_BIN"), "source", "-c", path,
                           *extra_args], capture_output=True, text=True, timeout=timeout)


def start_source(config, workdir, name="source"):
    path = os.path.join(workdir, f"{name}.properties")
    harness.write_properties(path, config)
    log = open(os.path.join(workdir, f"{name}.log"), "w")
    proc = subprocess.Popen([harness.env_path("TRIBUTARY_BIN"), "source", "-c", path],
                            stdout=log, stderr=subprocess.STDOUT)
    proc.log_file = log
    return proc


def kill9(proc):
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.log_file.close()


def s3_config(bucket):
    rgw = harness.radosgw_env()
    return {
        "store.url": rgw["S3_ENDPOINT"],
        "s3.bucket.name": bucket,
        "s3.region": rgw.get("S3_REGION", "us-east-1"),
        "aws.access.key.id": rgw["S3_ACCESS_KEY"],
        "aws.secret.access.key": rgw["S3_SECRET_KEY"],
    }
