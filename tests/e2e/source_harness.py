"""Helpers of the `tributary source` scenarios (issue #11): records with keys, headers and
timestamps produced and read back with kafka-python (independent of librdkafka), the
source as a child process, and a sink config writing envelopes to radosgw."""
import os
import signal
import subprocess
import time

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


def read_partitions(bootstrap, topic, partitions, start=None):
    """{partition: [(key, value, headers, timestamp_ms)]} from `start` ({partition: offset},
    default the beginning) up to each partition's end, read with
    isolation.level=read_committed by python3-confluent-kafka (kafka-python 2.0.2 has no
    read_committed)."""
    from confluent_kafka import Consumer, TopicPartition, OFFSET_BEGINNING, KafkaError
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "source-e2e-reader",
                         "enable.auto.commit": False, "isolation.level": "read_committed",
                         "enable.partition.eof": True})
    out = {p: [] for p in range(partitions)}
    pending = set()
    tps = []
    for p in range(partitions):
        low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
        first = OFFSET_BEGINNING if start is None else start.get(p, OFFSET_BEGINNING)
        if high > max(low, 0 if start is None else start.get(p, 0)):
            pending.add(p)
        tps.append(TopicPartition(topic, p, first))
    consumer.assign(tps)
    deadline = time.monotonic() + 60
    while pending and time.monotonic() < deadline:
        m = consumer.poll(1.0)
        if m is None:
            continue
        if m.error():
            if m.error().code() == KafkaError._PARTITION_EOF:
                pending.discard(m.partition())
                continue
            raise AssertionError(f"reading {topic}: {m.error()}")
        out[m.partition()].append((m.key(), m.value(), list(m.headers() or []),
                                   m.timestamp()[1]))
    consumer.close()
    if pending:
        raise AssertionError(f"reading {topic}: partitions {pending} did not reach their end")
    return out


def end_offsets(bootstrap, topic, partitions):
    """The sum of the partitions' high watermarks."""
    from confluent_kafka import Consumer, TopicPartition
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "source-e2e-watermarks"})
    try:
        return sum(consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
                   for p in range(partitions))
    finally:
        consumer.close()


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
