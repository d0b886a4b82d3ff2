"""Fixtures for Tributary's scenario tests: real services, fresh resources, clean teardown.

Every service is started here and stopped by process id in a finally/__exit__, so a
failing test leaves nothing running. Paths come from the environment that CTest sets
(tests/CMakeLists.txt): TRIBUTARY_BIN, TRIBUTARY_MOCK_KAFKA_BIN, TRIBUTARY_RADOSGW_ENV,
TRIBUTARY_NODE_DIR, TRIBUTARY_TEST_TMP.

Run under /usr/bin/python3: Debian's kafka-python and boto3 import only there.
"""
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
import uuid


def env_path(name):
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(f"{name} is not set; run the scenario tests through ctest")
    return value


def fresh_name(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def temp_dir(prefix):
    base = os.environ.get("TRIBUTARY_TEST_TMP") or tempfile.gettempdir()
    os.makedirs(base, exist_ok=True)
    return tempfile.mkdtemp(prefix=prefix + "-", dir=base)


def stop_process(proc, timeout=20):
    """Stops a child by its pid: SIGTERM, then SIGKILL after `timeout` seconds."""
    if proc.poll() is not None:
        return proc.returncode
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


class MockKafka:
    """librdkafka's mock cluster (tests/services/mock_kafka.cc), fresh per use.

    With TRIBUTARY_KAFKA_PEER=broker in the environment, `tributary broker` takes its
    place (broker_harness.BrokerPeer): the same scenarios run against both peers."""

    def __new__(cls, *args, **kwargs):
        if cls is MockKafka and os.environ.get("TRIBUTARY_KAFKA_PEER") == "broker":
            import broker_harness
            return broker_harness.BrokerPeer(*args, **kwargs)
        return super().__new__(cls)

    def __init__(self, topics=(), brokers=1):
        self.topics = dict(topics)
        self.brokers = brokers
        self.proc = None
        self.bootstrap = None

    def __enter__(self):
        args = [env_path("TRIBUTARY_MOCK_KAFKA_BIN"), "--brokers", str(self.brokers)]
        for name, partitions in self.topics.items():
            args += ["--topic", f"{name}:{partitions}"]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        ready, _, _ = select.select([self.proc.stdout], [], [], 30)
        line = self.proc.stdout.readline() if ready else ""
        if not line.startswith("BOOTSTRAP="):
            stop_process(self.proc)
            raise RuntimeError(f"mock kafka did not start (printed {line!r})")
        self.bootstrap = line.strip().split("=", 1)[1]
        return self

    def __exit__(self, *exc):
        if self.proc:
            stop_process(self.proc)


def radosgw_env():
    """The radosgw started by the CTest fixture: endpoint and keys."""
    path = env_path("TRIBUTARY_RADOSGW_ENV")
    values = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, v = line.split("=", 1)
                values[k] = v
    return values


def s3_client():
    import boto3
    from botocore.config import Config
    rgw = radosgw_env()
    return boto3.client(
        "s3",
        endpoint_url=rgw["S3_ENDPOINT"],
        aws_access_key_id=rgw["S3_ACCESS_KEY"],
        aws_secret_access_key=rgw["S3_SECRET_KEY"],
        region_name=rgw.get("S3_REGION", "us-east-1"),
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3}),
    )


class S3Bucket:
    """A fresh bucket on the fixture's radosgw, emptied and deleted afterwards."""

    def __enter__(self):
        self.client = s3_client()
        self.name = fresh_name("e2e")
        self.client.create_bucket(Bucket=self.name)
        return self

    def keys(self, prefix=""):
        keys = []
        for page in self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.name, Prefix=prefix):
            keys += [o["Key"] for o in page.get("Contents", [])]
        return keys

    def download_all(self, prefix, dest):
        for key in self.keys(prefix):
            path = os.path.join(dest, key)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            self.client.download_file(self.name, key, path)

    def __exit__(self, *exc):
        try:
            for key in self.keys():
                self.client.delete_object(Bucket=self.name, Key=key)
            self.client.delete_bucket(Bucket=self.name)
        except Exception as e:  # teardown must not hide the test's own failure
            print(f"bucket cleanup failed: {e}")


def write_properties(path, config):
    with open(path, "w") as f:
        for k, v in config.items():
            f.write(f"{k}={v}\n")


class Sink:
    """`tributary sink -c FILE` as a child process, with its log kept in a file."""

    def __init__(self, config, workdir):
        self.config = config
        self.workdir = workdir
        self.proc = None
        self.log_path = os.path.join(workdir, "sink.log")

    def __enter__(self):
        cfg = os.path.join(self.workdir, "sink.properties")
        write_properties(cfg, self.config)
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([env_path("TRIBUTARY_BIN"), "sink", "-c", cfg],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        return self

    def stop(self):
        code = stop_process(self.proc)
        self.log.close()
        return code

    def log_text(self):
        with open(self.log_path) as f:
            return f.read()

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.stop()


def wait_until(predicate, timeout, what, proc=None, interval=0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"process exited with {proc.returncode} while waiting for {what}")
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def produce_with_kafka_python(bootstrap, topic, indexes, partitions, value_fn):
    """Produces one record per index with kafka-python (independent of librdkafka):
    record i to partition i % partitions, key str(i)."""
    from kafka import KafkaProducer
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=20,
                             batch_size=256 * 1024, api_version=(2, 5, 0))
    futures = [producer.send(topic, key=str(i).encode(), value=value_fn(i),
                             partition=i % partitions) for i in indexes]
    producer.flush(timeout=120)
    for f in futures:
        f.get(timeout=60)  # raises if any record was not acknowledged
    producer.close()


def group_offsets(bootstrap, group, topic, partitions):
    """The group's committed offsets of `topic`, {partition: offset}, read with
    kafka-python. Partitions are named explicitly: librdkafka's mock cluster does not
    implement OffsetFetch's all-partitions form."""
    from kafka import KafkaAdminClient, TopicPartition
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, api_version=(2, 5, 0))
    try:
        offsets = admin.list_consumer_group_offsets(
            group, partitions=[TopicPartition(topic, p) for p in range(partitions)])
    finally:
        admin.close()
    return {tp.partition: meta.offset for tp, meta in offsets.items() if meta.offset >= 0}


def duckdb(sql):
    """Runs SQL in DuckDB (@duckdb/node-api) and returns the rows as dicts."""
    node_dir = env_path("TRIBUTARY_NODE_DIR")
    out = subprocess.run(["node", os.path.join(node_dir, "duckdb_query.mjs"), sql],
                         capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise AssertionError(f"duckdb failed: {out.stderr}")
    return json.loads(out.stdout)


def remove_tree(path):
    shutil.rmtree(path, ignore_errors=True)
