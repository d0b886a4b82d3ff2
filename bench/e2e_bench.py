#!/usr/bin/python3
"""End-to-end sink benchmark: Tributary's cost per gigabyte next to what users would run
instead, on the same bytes, in the same run (issue #10; docs/BENCHMARKS.md).

  bench/run.sh [--records N] [--s3] [--out docs/BENCHMARKS.md]

1. Generates a deterministic data set: order-like JSON events of ~300 bytes (nested
   items, a timestamp, low- and high-cardinality fields).
2. Pre-fills a 12-partition topic on librdkafka's mock cluster (tributary-mock-kafka).
3. Runs each contender in catch-up mode (the backlog after an outage) and measures the
   contender's process alone with wait4(): wall time, user+sys CPU, peak RSS.
   - tributary sink: JSON none / gzip / zstd, bytes, into the local store (and radosgw
     with --s3);
   - peers: `gzip -6` and `zstd -3` over the same bytes (the physical limit of a
     compressing sink), `kcat -C | gzip` into a file, a naive Python sink of the kind
     users write (confluent-kafka consume, batch, write files), and DuckDB converting
     the same records to Parquet single-threaded.
Machines are noisy: compare ratios within one run, not absolute times across runs.
"""
import argparse
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))

PARTITIONS = 12


def generate(path, records, seed=42):
    rng = random.Random(seed)
    countries = ["US", "DE", "FR", "JP", "BR", "IN", "GB", "CA"]
    skus = [f"sku-{i:05d}" for i in range(5000)]
    total = 0
    with open(path, "w") as f:
        for i in range(records):
            items = [{"sku": rng.choice(skus), "qty": rng.randint(1, 5),
                      "price_cents": rng.randint(100, 20000)} for _ in range(rng.randint(1, 3))]
            event = {"order_id": f"o-{i:09d}", "customer_id": f"c-{rng.randint(0, 10**7):08d}",
                     "country": rng.choice(countries), "status": rng.choice(["new", "paid"]),
                     "ts": 1_760_000_000_000 + i * 7, "items": items,
                     "note": "".join(rng.choice("abcdefghij") for _ in range(rng.randint(8, 40)))}
            line = json.dumps(event, separators=(",", ":"))
            f.write(line + "\n")
            total += len(line)
    return total


def run_measured(args, stdin=None, stdout=None, env=None, until=None, poll=0.2, shell=False,
                 stderr=subprocess.PIPE):
    """Runs a process to completion (or until `until()` holds, then SIGTERM) and returns
    wall seconds, CPU seconds (user + sys) and peak RSS in MiB of that process tree's
    leader, from wait4()."""
    start = time.monotonic()
    proc = subprocess.Popen(args, stdin=stdin, stdout=stdout, stderr=stderr, env=env,
                            shell=shell)
    if until is not None:
        while not until():
            if proc.poll() is not None:
                err = proc.stderr.read().decode()[-2000:] if proc.stderr else ""
                raise RuntimeError(f"{args[0]} exited early: {err}")
            time.sleep(poll)
        proc.terminate()
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, proc


def children_cpu():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=150_000)
    ap.add_argument("--s3", action="store_true", help="also run against radosgw")
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "BENCHMARKS.md"))
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    opts = ap.parse_args()
    os.environ.setdefault("TRIBUTARY_BIN", os.path.join(opts.build, "tributary"))
    os.environ.setdefault("TRIBUTARY_MOCK_KAFKA_BIN", os.path.join(opts.build,
                                                                   "tributary-mock-kafka"))
    os.environ.setdefault("TRIBUTARY_NODE_DIR", os.path.join(ROOT, "tests", "node"))
    work = tempfile.mkdtemp(prefix="tributary-bench-")
    os.environ.setdefault("TRIBUTARY_TEST_TMP", work)
    import harness
    import exactly_once_harness as eo

    data = os.path.join(work, "orders.jsonl")
    value_bytes = generate(data, opts.records)
    gb = value_bytes / 1e9
    print(f"data: {opts.records} records, {value_bytes / 1e6:.1f} MB of values", flush=True)
    rows = []

    def add(name, wall, cpu, rss, note=""):
        rows.append({"name": name, "wall": wall, "cpu": cpu, "rss": rss,
                     "rps": opts.records / wall, "mbps": value_bytes / 1e6 / wall,
                     "cpu_per_gb": cpu / gb, "note": note})
        print(f"  {name:38s} {wall:6.2f} s wall {cpu:6.2f} s CPU {cpu / gb:7.1f} CPU s/GB "
              f"{rss:6.0f} MiB", flush=True)

    # Codec peers: the physical limit of a compressing sink.
    for name, cmd in (("gzip -6 (CLI, same bytes)", ["gzip", "-6", "-c"]),
                      ("zstd -3 (CLI, same bytes)", ["zstd", "-3", "-c", "-q"])):
        with open(data, "rb") as src, open(os.devnull, "wb") as dst:
            wall, cpu, rss, _ = run_measured(cmd, stdin=src, stdout=dst)
        add(name, wall, cpu, rss, "codec only")

    duck_out = os.path.join(work, "duck.parquet")
    sql = (f"SET threads=1; COPY (SELECT * FROM read_ndjson('{data}')) TO '{duck_out}' "
           f"(FORMAT parquet, COMPRESSION snappy)")
    wall, cpu, rss, p = run_measured(["node", os.path.join(ROOT, "tests", "node",
                                                            "duckdb_query.mjs"), sql])
    if p.returncode == 0:
        add("DuckDB JSON to Parquet, 1 thread", wall, cpu, rss, "node + DuckDB process")

    topic = "orders"
    with harness.MockKafka(topics={topic: PARTITIONS}) as kafka:
        # Pre-fill with kcat (librdkafka; values are the lines, keys empty, random
        # partitions).
        subprocess.run(["kcat", "-P", "-b", kafka.bootstrap, "-t", topic, "-p", "-1", "-l",
                        "-X", "linger.ms=50", "-X", "batch.size=1000000", data], check=True,
                       stderr=subprocess.DEVNULL)
        per_partition = {}
        from confluent_kafka import Consumer, TopicPartition
        c = Consumer({"bootstrap.servers": kafka.bootstrap, "group.id": "bench-probe"})
        for p in range(PARTITIONS):
            per_partition[p] = c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
        c.close()
        total = sum(per_partition.values())
        if total != opts.records:
            raise RuntimeError(f"pre-fill: {total} records in the topic, {opts.records} expected")
        print(f"topic {topic}: {total} records in {PARTITIONS} partitions", flush=True)

        variants = [("JSON", {}), ("JSON gzip", {"s3.compression.type": "gzip"}),
                    ("JSON zstd", {"s3.compression.type": "zstd"}),
                    ("bytes", {"format.class": "ByteArrayFormat",
                               "value.converter":
                                   "org.apache.kafka.connect.converters.ByteArrayConverter"})]
        stores = [("local", None)]
        rgw_dir = None
        if opts.s3:
            rgw_dir = os.path.join(work, "rgw")
            subprocess.run(["bash", os.path.join(ROOT, "tests", "services", "radosgw.sh"), "start",
                            rgw_dir], check=True)
            os.environ["TRIBUTARY_RADOSGW_ENV"] = os.path.join(rgw_dir, "env")
            stores.append(("radosgw", harness.radosgw_env()))
        try:
            for store_name, rgw in stores:
                for label, extra in variants:
                    name = harness.fresh_name("bench")
                    root = harness.temp_dir("bench-root")
                    config = eo.sink_config(kafka, topic, root, name, **{
                        "flush.size": 20000, "rotate.schedule.interval.ms": 1000, **extra})
                    if rgw is not None:
                        bucket = harness.fresh_name("bench")
                        harness.s3_client().create_bucket(Bucket=bucket)
                        config.update({"store.url": rgw["S3_ENDPOINT"], "s3.bucket.name": bucket,
                                       "aws.access.key.id": rgw["S3_ACCESS_KEY"],
                                       "aws.secret.access.key": rgw["S3_SECRET_KEY"]})
                    cfg = os.path.join(root, "sink.properties")
                    harness.write_properties(cfg, config)
                    progress = os.path.join(root, "progress")

                    def done():
                        if rgw is None:
                            got = eo.journal_committed(root, name, topic, PARTITIONS)
                        else:
                            got = {}
                            for p in range(PARTITIONS):
                                try:
                                    body = harness.s3_client().get_object(
                                        Bucket=config["s3.bucket.name"],
                                        Key=f"_tributary/journal/{name}/{topic}/{p}.json")
                                    got[p] = json.loads(body["Body"].read()).get("committed")
                                except Exception:
                                    got[p] = -1
                        return got == per_partition

                    with open(os.path.join(root, "sink.log"), "w") as log:
                        wall, cpu, rss, p = run_measured(
                            [os.environ["TRIBUTARY_BIN"], "sink", "-c", cfg], stdout=log,
                            until=done, poll=0.05)
                    add(f"tributary sink, {label}, {store_name}", wall, cpu, rss,
                        "includes consumer start and group join")
                    del progress

            # A naive Python sink: consume, batch 1000, write gzip files (local).
            out_dir = os.path.join(work, "naive")
            os.makedirs(out_dir)
            naive = os.path.join(HERE, "naive_python_sink.py")
            wall, cpu, rss, _ = run_measured(["/usr/bin/python3", naive, kafka.bootstrap, topic,
                                              str(opts.records), out_dir])
            add("naive Python sink (confluent-kafka), gzip, local", wall, cpu, rss,
                "consume, batch 1000, gzip.open().write()")

            # kcat -C | gzip: the shell pipeline users script.
            kcat_out = os.path.join(work, "kcat.json.gz")
            cmd = (f"kcat -C -b {kafka.bootstrap} -t {topic} -o beginning -e -q -c {opts.records}"
                   f" | gzip -6 > {kcat_out}")
            before = children_cpu()
            start = time.monotonic()
            subprocess.run(cmd, shell=True, check=True)
            wall = time.monotonic() - start
            add("kcat -C piped to gzip -6", wall, children_cpu() - before, 0,
                "CPU of both processes; RSS not measured")
        finally:
            if rgw_dir:
                subprocess.run(["bash", os.path.join(ROOT, "tests", "services", "radosgw.sh"),
                                "stop", rgw_dir])

    write_report(opts, rows, value_bytes)
    shutil.rmtree(work, ignore_errors=True)


def write_report(opts, rows, value_bytes):
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    version = subprocess.run([os.environ["TRIBUTARY_BIN"], "version"], capture_output=True,
                             text=True).stdout.strip()
    lines = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (bench/run.sh, bench/e2e_bench.py); numbers from one run.",
        "",
        f"- Machine: {cpu}, {os.cpu_count()} cores; {platform.platform()}",
        f"- {version}; data: {opts.records} order events, {value_bytes / 1e6:.1f} MB of "
        f"JSON values (~{value_bytes // opts.records} bytes each), {PARTITIONS} partitions on "
        "librdkafka's mock cluster (a separate process, not counted)",
        "- Each contender's own process is measured with wait4(): wall time, user+sys CPU, "
        "peak RSS. The sink runs in catch-up mode (the backlog is there before it starts) "
        "with `flush.size=20000` and `rotate.schedule.interval.ms=1000` in exactly-once journal mode; its wall time includes "
        "start-up and joining the consumer group (several seconds on the mock cluster), so "
        "compare **CPU s/GB**.",
        "",
        "| contender | wall s | CPU s | CPU s per GB | records/s | MB/s | peak RSS MiB | note |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        lines.append(f"| {r['name']} | {r['wall']:.2f} | {r['cpu']:.2f} | {r['cpu_per_gb']:.1f} | "
                     f"{r['rps']:,.0f} | {r['mbps']:.1f} | {r['rss']:.0f} | {r['note']} |")
    lines += [
        "",
        "For scale: Redpanda's sizing guidance for Kafka Connect's S3 sink is 1–2 MB/s per "
        "task; a JVM connector also needs `s3.part.size` (25 MiB) of heap per open file.",
        "",
        "Reproduce: `make bench` (add `BENCH_ARGS=--s3` to include radosgw).",
    ]
    with open(opts.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {opts.out}")


if __name__ == "__main__":
    main()
