"""Helpers of the exactly-once scenarios: a sink on the local store, its journals, and the
two independent checks every scenario ends with — `tributary verify` over the objects,
and DuckDB counting every produced id exactly once."""
import glob
import json
import os
import signal
import subprocess
import time

import harness

PLANNED_CRASH = 86  # fault.crash.* exits with this code


def value(i):
    return json.dumps({"id": i, "pad": "x" * (i % 17)}).encode()


def sink_config(kafka, topic, root, name, **extra):
    config = {
        "name": name,
        "topics": topic,
        "bootstrap.servers": kafka.bootstrap,
        "format.class": "JsonFormat",
        "store.url": f"file://{root}",
        "s3.bucket.name": "lake",
        # librdkafka's mock cluster accepts no session shorter than 6 s, and keeps a dead
        # member until it expires: every restart waits about that long to be assigned.
        "consumer.override.session.timeout.ms": 6000,
        "consumer.override.heartbeat.interval.ms": 500,
        # rotate.schedule.interval.ms aligns to midnight in this zone (and needs one).
        "timezone": "UTC",
    }
    config.update({k: str(v) for k, v in extra.items()})
    return config


def journal_committed(root, name, topic, partitions):
    """{partition: committed} read straight from the journal objects."""
    out = {}
    for p in range(partitions):
        path = os.path.join(root, "lake", "_tributary", "journal", name, topic, f"{p}.json")
        try:
            with open(path) as f:
                out[p] = json.load(f).get("committed", -1)
        except (OSError, ValueError):
            out[p] = -1
    return out


def wait_committed(root, name, topic, per_partition, proc, timeout=120):
    partitions = len(per_partition)
    harness.wait_until(
        lambda: journal_committed(root, name, topic, partitions) == dict(enumerate(per_partition)),
        timeout, f"journals of {topic} at {per_partition}", proc=proc)


def start_sink(config, workdir):
    sink = harness.Sink(config, workdir)
    sink.__enter__()
    return sink


def wait_assigned(sink, timeout=60):
    harness.wait_until(lambda: "journal _tributary" in sink.log_text() or
                       "created journal" in sink.log_text(), timeout,
                       "the sink to own its partitions", proc=sink.proc, interval=0.1)


def kill9(sink):
    sink.proc.send_signal(signal.SIGKILL)
    sink.proc.wait()
    sink.log.close()


def duckdb_counts(root, topic):
    pattern = os.path.join(root, "lake", "topics", topic, "*", "*.json")
    if not glob.glob(pattern):
        return 0, 0
    rows = harness.duckdb(f"SELECT count(*) AS n, count(DISTINCT id) AS ids "
                          f"FROM read_json_auto('{pattern}')")
    return int(rows[0]["n"]), int(rows[0]["ids"])


def verify(root, topic, name=None, deep=True):
    args = [harness.env_path("TRIBUTARY_BIN"), "verify", "--store", f"file://{root}",
            "--bucket", "lake", "--topic", topic, "--json"]
    if name:
        args += ["--sink", name]
    if deep:
        args.append("--deep")
    out = subprocess.run(args, capture_output=True, text=True, timeout=120)
    report = json.loads(out.stdout) if out.stdout.strip().startswith("{") else None
    return out.returncode, report, out.stdout + out.stderr


def assert_exactly_once(test, root, topic, name, produced):
    """Both independent checks agree: verify finds no gap and no overlap, and DuckDB
    finds each produced id once."""
    code, report, text = verify(root, topic, name)
    test.assertEqual(code, 0, text)
    test.assertTrue(report["ok"], text)
    n, ids = duckdb_counts(root, topic)
    test.assertEqual((n, ids), (produced, produced), text)
    return report


def wait_exit(proc, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return proc.returncode
        time.sleep(0.05)
    return None
