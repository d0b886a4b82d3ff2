#!/usr/bin/python3
"""End-to-end sink benchmark: Tributary's cost per gigabyte next to what users would run
instead, on the same bytes, in the same run (issue #10; docs/BENCHMARKS.md).

  bench/run.sh [--records N] [--s3] [--out docs/BENCHMARKS.md] [--no-perf]
  bench/e2e_bench.py --smoke --build build --out /tmp/report.md   (the CTest smoke run)

1. Generates a deterministic data set: order-like JSON events of ~300 bytes (nested
   items, a timestamp, low- and high-cardinality fields), keyed by order id.
2. Pre-fills a 12-partition topic on `tributary broker` with kcat (the broker is a
   separate process; its CPU is not counted).
3. Runs each contender in catch-up mode (the backlog after an outage) and measures the
   contender's own process with wait4(): wall time, user+sys CPU, peak RSS.
   - tributary sink: JSON none / gzip / zstd, bytes, CSV, Parquet snappy / zstd, Avro,
     into the local store (and radosgw with --s3); objects per GB by listing the store,
     requests per GB from radosgw's own request counter (perf dump `rgw.req`);
   - peers on the same bytes: `gzip -6`, `pigz -p 1 -6` and Python's zlib at level 6
     (zlib: the library the sink uses), `zstd -3`, DuckDB converting the records to
     Parquet on one thread, a naive Python sink (bench/naive_python_sink.py) and
     `kcat -C | gzip`.
4. Writes docs/BENCHMARKS.md (tables, headline ratios, a perf profile of the JSON run)
   and PNG charts in docs/images/ (python3-matplotlib).
Machines are noisy: compare ratios within one run, not absolute times across runs.
"""
import argparse
import glob
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))

PARTITIONS = 12
TOPIC = "orders"

# The order events' schema, declared for the Avro and Parquet variants (value.schema).
ORDER_SCHEMA = {
    "type": "record", "name": "Order", "namespace": "bench",
    "fields": [
        {"name": "order_id", "type": "string"},
        {"name": "customer_id", "type": "string"},
        {"name": "country", "type": "string"},
        {"name": "status", "type": "string"},
        {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "items", "type": {"type": "array", "items": {
            "type": "record", "name": "Item",
            "fields": [{"name": "sku", "type": "string"}, {"name": "qty", "type": "long"},
                       {"name": "price_cents", "type": "long"}]}}},
        {"name": "note", "type": "string"},
    ]}
COLUMNAR = {"value.schema": json.dumps(ORDER_SCHEMA, separators=(",", ":"))}

# (label, extra sink config). The smoke run uses the first two.
VARIANTS = [
    ("JSON", {}),
    ("JSON gzip", {"s3.compression.type": "gzip"}),
    ("JSON zstd", {"s3.compression.type": "zstd"}),
    ("bytes", {"format.class": "ByteArrayFormat",
               "value.converter": "org.apache.kafka.connect.converters.ByteArrayConverter"}),
    ("CSV", {"format.class": None, "format.output.type": "csv",
             "format.output.fields": "key,value,offset,timestamp",
             "format.output.fields.value.encoding": "none", "file.compression.type": "none"}),
    ("Parquet snappy", {"format.class": "ParquetFormat", "parquet.codec": "snappy",
                        **COLUMNAR}),
    ("Parquet zstd", {"format.class": "ParquetFormat", "parquet.codec": "zstd", **COLUMNAR}),
    ("Parquet snappy, inferred", {"format.class": "ParquetFormat", "parquet.codec": "snappy",
                                  "schema.inference": "true"}),
    ("Avro snappy", {"format.class": "AvroFormat", "avro.codec": "snappy", **COLUMNAR}),
]


def generate(values_path, keyed_path, records, seed=42):
    """Writes the values (one JSON line each) and the same lines as `key<TAB>value` for
    kcat -K; returns the bytes of values (newlines not counted)."""
    rng = random.Random(seed)
    countries = ["US", "DE", "FR", "JP", "BR", "IN", "GB", "CA"]
    skus = [f"sku-{i:05d}" for i in range(5000)]
    total = 0
    with open(values_path, "w") as f, open(keyed_path, "w") as k:
        for i in range(records):
            items = [{"sku": rng.choice(skus), "qty": rng.randint(1, 5),
                      "price_cents": rng.randint(100, 20000)} for _ in range(rng.randint(1, 3))]
            event = {"order_id": f"o-{i:09d}", "customer_id": f"c-{rng.randint(0, 10**7):08d}",
                     "country": rng.choice(countries), "status": rng.choice(["new", "paid"]),
                     "ts": 1_760_000_000_000 + i * 7, "items": items,
                     "note": "".join(rng.choice("abcdefghij") for _ in range(rng.randint(60, 110)))}
            line = json.dumps(event, separators=(",", ":"))
            f.write(line + "\n")
            k.write(f"o-{i:09d}\t{line}\n")
            total += len(line)
    return total


def run_measured(args, stdin=None, stdout=None, stderr=None, env=None, until=None, poll=0.1,
                 timeout=3600, on_start=None):
    """Runs a process to completion (or until `until()` holds, then SIGTERM) and returns
    wall seconds, CPU seconds (user + sys) and peak RSS in MiB of that process, from
    wait4(), and the Popen object."""
    start = time.monotonic()
    proc = subprocess.Popen(args, stdin=stdin, stdout=stdout,
                            stderr=stderr if stderr is not None else subprocess.DEVNULL, env=env)
    if on_start:
        on_start(proc)
    if until is not None:
        while not until():
            if proc.poll() is not None:
                raise RuntimeError(f"{args[0]} exited early with {proc.returncode}")
            if time.monotonic() - start > timeout:
                proc.kill()
                raise RuntimeError(f"{args[0]}: not done after {timeout} s")
            time.sleep(poll)
        proc.terminate()
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, proc


def tool_version(args, pattern=r"[\d.]+[\d]"):
    try:
        out = subprocess.run(args, capture_output=True, text=True, timeout=30)
        text = (out.stdout + out.stderr).strip()
        first = text.splitlines()[0] if text else ""
        return first
    except OSError:
        return "absent"


class Rgw:
    """radosgw started by tests/services/radosgw.sh for the bench, with its request
    counter (`perf dump` on the admin socket: rgw.req counts every S3 request served)."""

    def __init__(self, state_dir):
        self.dir = state_dir
        env = dict(os.environ, RGW_MEMSTORE_BYTES=str(4 << 30))
        subprocess.run(["bash", os.path.join(ROOT, "tests", "services", "radosgw.sh"), "start",
                        state_dir], check=True, env=env)
        os.environ["TRIBUTARY_RADOSGW_ENV"] = os.path.join(state_dir, "env")
        import harness
        self.env = harness.radosgw_env()
        self.asok = glob.glob(os.path.join(state_dir, "**", "*rgw*.asok"), recursive=True)[0]

    def requests(self):
        out = subprocess.run(["ceph", "--conf", self.env["CEPH_CONF"], "--admin-daemon",
                              self.asok, "perf", "dump"], capture_output=True, text=True,
                             check=True)
        return json.loads(out.stdout)["rgw"]["req"]

    def stop(self):
        subprocess.run(["bash", os.path.join(ROOT, "tests", "services", "radosgw.sh"), "stop",
                        self.dir])


def metrics_value(port, name):
    body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    m = re.search(rf"^{name} (\S+)$", body, re.M)
    return float(m.group(1)) if m else 0.0


def rest_port(log_path):
    try:
        with open(log_path) as f:
            m = re.search(r"/metrics and /ui on http://[^:]+:(\d+)/", f.read())
    except OSError:
        return None
    return int(m.group(1)) if m else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--s3", action="store_true", help="also run against radosgw")
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "BENCHMARKS.md"))
    ap.add_argument("--images", help="chart directory (default: images/ beside --out)")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--no-perf", action="store_true", help="skip the perf profile run")
    ap.add_argument("--perf-data", help="keep the profile's perf.data here")
    ap.add_argument("--perf-call-graph", default="fp",
                    help="perf's --call-graph mode for the profile: fp (frame pointers, the "
                         "default: cheap, but this build omits them, so callers are partial) "
                         "or dwarf (full callers, large perf.data)")
    ap.add_argument("--smoke", action="store_true",
                    help="test-suite run: 3,000 records, two sink variants, codec peers and the "
                         "naive sink, no profile; checks the harness, not a speed")
    opts = ap.parse_args()
    variants = VARIANTS
    if opts.smoke:
        opts.records = min(opts.records, 3000) if "--records" in sys.argv else 3000
        opts.no_perf = True
        variants = VARIANTS[:2]
    opts.images = opts.images or os.path.join(os.path.dirname(os.path.abspath(opts.out)),
                                              "images")
    tributary = os.path.join(opts.build, "tributary")
    os.environ["TRIBUTARY_BIN"] = tributary
    os.environ.setdefault("TRIBUTARY_NODE_DIR", os.path.join(ROOT, "tests", "node"))
    work = tempfile.mkdtemp(prefix="tributary-bench-", dir=os.environ.get("TRIBUTARY_TEST_TMP"))
    os.environ["TRIBUTARY_TEST_TMP"] = work
    import harness
    import broker_harness
    import exactly_once_harness as eo

    load_start = os.getloadavg()
    data = os.path.join(work, "orders.jsonl")
    keyed = os.path.join(work, "orders.keyed")
    value_bytes = generate(data, keyed, opts.records)
    gb = value_bytes / 1e9
    print(f"data: {opts.records} records, {value_bytes / 1e6:.1f} MB of values", flush=True)
    rows = []
    info = {"records": opts.records, "value_bytes": value_bytes, "load_start": load_start,
            "smoke": opts.smoke}

    def add(name, group, wall, cpu, rss, note="", records=None, objects=None, requests=None):
        n = opts.records if records is None else records
        scale = n / opts.records  # a peer that read fewer records is scaled to its bytes
        row = {"name": name, "group": group, "wall": wall, "cpu": cpu, "rss": rss,
               "records": n, "rps": n / wall if wall else 0,
               "mbps": value_bytes * scale / 1e6 / wall if wall else 0,
               "cpu_per_gb": cpu / (gb * scale), "note": note,
               "objects_per_gb": None if objects is None else objects / (gb * scale),
               "requests_per_gb": None if requests is None else requests / (gb * scale)}
        rows.append(row)
        print(f"  {name:44s} {wall:7.2f} s wall {cpu:7.2f} s CPU {row['cpu_per_gb']:7.1f} "
              f"CPU s/GB {rss:6.0f} MiB", flush=True)
        return row

    # --- Codec peers: the physical limit of a compressing sink. ---
    zlib_loop = ("import sys, zlib\n"
                 "c = zlib.compressobj(6, zlib.DEFLATED, 31)\n"
                 "n = 0\n"
                 "with open(sys.argv[1], 'rb') as f:\n"
                 "    while (b := f.read(1 << 20)):\n"
                 "        n += len(c.compress(b))\n"
                 "n += len(c.flush())\n")
    codec_peers = [("gzip -6 (GNU gzip CLI)", ["gzip", "-6", "-c"], True),
                   ("pigz -p 1 -6 (zlib, one thread)", ["pigz", "-p", "1", "-6", "-c"], True),
                   ("zlib level 6 (Python zlib loop)", ["/usr/bin/python3", "-c", zlib_loop,
                                                        data], False),
                   ("zstd -3 (CLI)", ["zstd", "-3", "-c", "-q"], True)]
    _, py_start_cpu, _, _ = run_measured(["/usr/bin/python3", "-c", "import zlib"])
    for name, cmd, use_stdin in codec_peers:
        if shutil.which(cmd[0]) is None:
            print(f"  {name}: {cmd[0]} not installed, skipped")
            continue
        with open(data, "rb") as src, open(os.devnull, "wb") as dst:
            wall, cpu, rss, _ = run_measured(cmd, stdin=src if use_stdin else None, stdout=dst)
        note = "codec alone over the JSON lines"
        if not use_stdin:
            cpu = max(cpu - py_start_cpu, 0)
            note += f"; minus the interpreter's start ({py_start_cpu:.2f} s)"
        add(name, "codec", wall, cpu, rss, note)

    # --- DuckDB converting the same lines to Parquet, one thread (node + DuckDB process,
    # minus the CPU of the same process running `SELECT 1`). ---
    if not opts.smoke:
        query = os.path.join(ROOT, "tests", "node", "duckdb_query.mjs")
        _, base_cpu, _, _ = run_measured(["node", query, "SELECT 1"], stdout=subprocess.DEVNULL)
        for codec in ("snappy", "zstd"):
            out = os.path.join(work, f"duck.{codec}.parquet")
            sql = (f"SET threads=1; COPY (SELECT * FROM read_ndjson('{data}')) TO '{out}' "
                   f"(FORMAT parquet, COMPRESSION {codec})")
            wall, cpu, rss, p = run_measured(["node", query, sql], stdout=subprocess.DEVNULL)
            if p.returncode == 0:
                add(f"DuckDB JSON to Parquet {codec}, 1 thread", "duckdb", wall,
                    max(cpu - base_cpu, 0), rss,
                    f"CPU minus a `SELECT 1` run ({base_cpu:.2f} s); RSS includes node")
            os.unlink(out) if os.path.exists(out) else None

    rgw = None
    broker = broker_harness.Broker()
    broker.start()
    try:
        from confluent_kafka import Consumer, TopicPartition
        from confluent_kafka.admin import AdminClient, NewTopic
        admin = AdminClient({"bootstrap.servers": broker.bootstrap})
        admin.create_topics([NewTopic(TOPIC, PARTITIONS, 1)])[TOPIC].result(30)
        t0 = time.monotonic()
        subprocess.run(["kcat", "-P", "-b", broker.bootstrap, "-t", TOPIC, "-K", "\t", "-l",
                        "-X", "linger.ms=50", "-X", "batch.size=1000000", keyed],
                       check=True, stderr=subprocess.DEVNULL)
        info["prefill_seconds"] = time.monotonic() - t0
        c = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": "bench-probe"})
        marks = {p: c.get_watermark_offsets(TopicPartition(TOPIC, p), timeout=10)
                 for p in range(PARTITIONS)}
        c.close()
        per_partition = {p: hi for p, (lo, hi) in marks.items()}
        readable = sum(hi - lo for lo, hi in marks.values())
        if readable != opts.records or any(lo != 0 for lo, _ in marks.values()):
            raise RuntimeError(f"pre-fill: {readable} readable records ({marks}), "
                               f"{opts.records} expected")
        info["per_partition"] = per_partition
        print(f"topic {TOPIC}: {readable} records in {PARTITIONS} partitions "
              f"({min(per_partition.values())}..{max(per_partition.values())} each), "
              f"pre-filled in {info['prefill_seconds']:.1f} s", flush=True)

        stores = [("local", None)]
        if opts.s3:
            rgw = Rgw(os.path.join(work, "rgw"))
            stores.append(("radosgw", rgw))
        flush_size = 1000 if opts.smoke else 50_000
        schedule_ms = 1000 if opts.smoke else 5000
        info["flush_size"], info["schedule_ms"] = flush_size, schedule_ms

        def sink_run(label, extra, store_name, store, perf_out=None):
            name = harness.fresh_name("bench")
            root = harness.temp_dir("bench-root")
            config = eo.sink_config(broker, TOPIC, root, name, **{
                "flush.size": flush_size, "rotate.schedule.interval.ms": schedule_ms,
                "rest.port": 0})
            for k, v in extra.items():
                if v is None:
                    config.pop(k, None)
                else:
                    config[k] = str(v)
            bucket = None
            if store is not None:
                bucket = harness.fresh_name("bench")
                harness.s3_client().create_bucket(Bucket=bucket)
                config.update({"store.url": store.env["S3_ENDPOINT"], "s3.bucket.name": bucket,
                               "aws.access.key.id": store.env["S3_ACCESS_KEY"],
                               "aws.secret.access.key": store.env["S3_SECRET_KEY"]})
            cfg = os.path.join(root, "sink.properties")
            harness.write_properties(cfg, config)
            log_path = os.path.join(root, "sink.log")
            port = [None]

            def done():
                if port[0] is None:
                    port[0] = rest_port(log_path)
                    return False
                try:
                    return metrics_value(port[0], "tributary_sink_records_written_total") \
                        >= opts.records
                except OSError:
                    return False

            perf = []

            def attach(proc):
                if perf_out:
                    graph = (["--call-graph", "dwarf,16384", "-F", "300"]
                             if opts.perf_call_graph == "dwarf" else ["-g"])
                    perf.append(subprocess.Popen(["perf", "record", *graph, "-q", "-o", perf_out,
                                                  "-p", str(proc.pid)],
                                                 stdout=subprocess.DEVNULL,
                                                 stderr=subprocess.DEVNULL))

            before = store.requests() if store is not None else None
            with open(log_path, "w") as log:
                wall, cpu, rss, p = run_measured([tributary, "sink", "-c", cfg], stdout=log,
                                                 stderr=subprocess.STDOUT, until=done,
                                                 on_start=attach)
            for q in perf:
                q.wait(timeout=120)
            if p.returncode != 0:
                with open(log_path) as f:
                    raise RuntimeError(f"sink {label} exited {p.returncode}:\n{f.read()[-3000:]}")
            requests = store.requests() - before if store is not None else None
            # The run counts only if every record is committed in the journal.
            if store is None:
                committed = eo.journal_committed(root, name, TOPIC, PARTITIONS)
                objects = sum(len(files) for d, _, files in
                              os.walk(os.path.join(root, "lake", "topics")))
            else:
                s3 = harness.s3_client()
                committed = {}
                for part in range(PARTITIONS):
                    body = s3.get_object(Bucket=bucket,
                                         Key=f"_tributary/journal/{name}/{TOPIC}/{part}.json")
                    committed[part] = json.loads(body["Body"].read()).get("committed")
                keys = []
                for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
                    keys += [o["Key"] for o in page.get("Contents", [])]
                objects = sum(1 for k in keys if k.startswith("topics/"))
                for k in keys:  # keep radosgw's in-memory OSD small
                    s3.delete_object(Bucket=bucket, Key=k)
                s3.delete_bucket(Bucket=bucket)
            if committed != per_partition:
                raise RuntimeError(f"sink {label}: journal at {committed}, topic at "
                                   f"{per_partition}")
            shutil.rmtree(root, ignore_errors=True)
            return wall, cpu, rss, objects, requests

        for store_name, store in stores:
            for label, extra in variants:
                wall, cpu, rss, objects, requests = sink_run(label, extra, store_name, store)
                add(f"tributary sink, {label}, {store_name}", "tributary", wall, cpu, rss,
                    "wall includes start-up, group join and the last scheduled rotation",
                    objects=objects, requests=requests)

        if not opts.no_perf and shutil.which("perf"):
            perf_data = opts.perf_data or os.path.join(work, "perf.data")
            wall, cpu, _, _, _ = sink_run("JSON (perf)", {}, "local", None, perf_out=perf_data)
            out = subprocess.run(["perf", "report", "-i", perf_data, "--no-children", "--stdio",
                                  "-g", "none", "--percent-limit", "0.7"],
                                 capture_output=True, text=True)
            info["perf"] = "\n".join(l for l in out.stdout.splitlines()
                                     if l.strip() and not l.startswith("#"))[:6000]
            info["perf_cpu_per_gb"] = cpu / gb
            print(info["perf"][:2000], flush=True)

        # --- A naive Python sink: consume, batch 1,000, gzip, write (or PUT). ---
        naive = os.path.join(HERE, "naive_python_sink.py")
        for store_name, store in stores:
            if store is None:
                target = os.path.join(work, "naive")
                os.makedirs(target)
            else:
                bucket = harness.fresh_name("naive")
                harness.s3_client().create_bucket(Bucket=bucket)
                target = f"s3://{bucket}"
            env = dict(os.environ, **(store.env if store else {}))
            before = store.requests() if store is not None else None
            wall, cpu, rss, p = run_measured(
                ["/usr/bin/python3", naive, broker.bootstrap, TOPIC, str(PARTITIONS), target,
                 "10" if opts.smoke else "30"], stdout=subprocess.PIPE, env=env)
            report = json.loads(p.stdout.read().decode().strip().splitlines()[-1])
            requests = store.requests() - before if store is not None else None
            if store is None:
                shutil.rmtree(target, ignore_errors=True)
            note = (f"consumed {report['consumed']} records, stopped at "
                    f"{report['stopped'].replace('_', ' ')}; confluent-kafka, batches of "
                    f"1,000, gzip level 6, sync commit per file")
            add(f"naive Python sink, gzip, {store_name}", "python", wall, cpu, rss, note,
                records=report["consumed"], objects=report["files"], requests=requests)

        # --- kcat -C > /dev/null: what consuming alone costs with librdkafka (the client
        # library the sink uses), the floor under every sink variant. ---
        with open(os.devnull, "wb") as dst:
            wall, cpu, rss, _ = run_measured(
                ["kcat", "-C", "-b", broker.bootstrap, "-t", TOPIC, "-o", "beginning", "-e",
                 "-q", "-c", str(opts.records)], stdout=dst)
        add("kcat -C to /dev/null (librdkafka consume alone)", "shell", wall, cpu, rss,
            "the Kafka client's share: fetch, parse, copy, print each value")

        # --- kcat -C | gzip: the shell pipeline users script (both processes counted). ---
        kcat_out = os.path.join(work, "kcat.json.gz")
        with open(kcat_out, "wb") as dst:
            start = time.monotonic()
            kc = subprocess.Popen(["kcat", "-C", "-b", broker.bootstrap, "-t", TOPIC, "-o",
                                   "beginning", "-e", "-q", "-c", str(opts.records)],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            gz = subprocess.Popen(["gzip", "-6"], stdin=kc.stdout, stdout=dst)
            kc.stdout.close()
            _, _, ru1 = os.wait4(kc.pid, 0)
            _, _, ru2 = os.wait4(gz.pid, 0)
            wall = time.monotonic() - start
        add("kcat -C piped to gzip -6, local file", "shell", wall,
            ru1.ru_utime + ru1.ru_stime + ru2.ru_utime + ru2.ru_stime,
            max(ru1.ru_maxrss, ru2.ru_maxrss) / 1024, "CPU of both processes; RSS the larger")
    finally:
        admin = None  # its connection would complain about the broker going away
        broker.stop()
        if rgw is not None:
            rgw.stop()

    info["load_end"] = os.getloadavg()
    info["versions"] = versions(tributary)
    charts = write_charts(opts, rows)
    write_report(opts, rows, info, charts)
    shutil.rmtree(work, ignore_errors=True)


def versions(tributary):
    import zlib
    try:
        import confluent_kafka
        rdkafka = confluent_kafka.libversion()[0]
    except ImportError:
        rdkafka = "?"
    duck = "?"
    try:
        out = subprocess.run(["node", os.path.join(ROOT, "tests", "node", "duckdb_query.mjs"),
                              "SELECT version() AS v"], capture_output=True, text=True,
                             timeout=60)
        duck = json.loads(out.stdout)[0]["v"]
    except (OSError, ValueError, KeyError, IndexError, subprocess.TimeoutExpired):
        pass
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "src"],
                           capture_output=True, text=True).stdout.strip()
    return {
        "tributary": tool_version([tributary, "version"]) + f" (built from commit {commit}"
                     + (", with uncommitted changes in src/" if dirty else "") + ")",
        "gzip": tool_version(["gzip", "--version"]),
        "pigz": tool_version(["pigz", "--version"]),
        "zstd": tool_version(["zstd", "--version"]).strip("* "),
        "zlib (Python's)": zlib.ZLIB_RUNTIME_VERSION,
        "DuckDB": duck,
        "librdkafka (confluent-kafka, kcat)": rdkafka,
        "kernel": platform.release(),
    }


def write_charts(opts, rows):
    """PNG bar charts of CPU s/GB and peak RSS per contender; [] without matplotlib."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("python3-matplotlib not installed: no charts")
        return []
    os.makedirs(opts.images, exist_ok=True)
    colors = {"tributary": "#2b6cb0", "codec": "#999999", "duckdb": "#d69e2e",
              "python": "#c53030", "shell": "#718096"}
    made = []
    for key, title, fname in (("cpu_per_gb", "CPU seconds per GB of input (lower is better)",
                               "bench-cpu-per-gb.png"),
                              ("rss", "Peak RSS, MiB (lower is better)", "bench-peak-rss.png")):
        data = [r for r in rows if r[key]]
        fig, ax = plt.subplots(figsize=(9, 0.32 * len(data) + 1.2))
        ax.barh([r["name"] for r in data], [r[key] for r in data],
                color=[colors.get(r["group"], "#888888") for r in data])
        ax.invert_yaxis()
        ax.set_title(title)
        ax.tick_params(axis="y", labelsize=8)
        for i, r in enumerate(data):
            ax.text(r[key], i, f" {r[key]:.1f}" if key == "cpu_per_gb" else f" {r[key]:.0f}",
                    va="center", fontsize=7)
        fig.tight_layout()
        path = os.path.join(opts.images, fname)
        fig.savefig(path, dpi=110)
        plt.close(fig)
        made.append(path)
    return made


def fmt(v, spec):
    return "—" if v is None else format(v, spec)


def find(rows, name):
    return next((r for r in rows if r["name"] == name), None)


def ratio_line(rows, mine, peer, target):
    a, b = find(rows, mine), find(rows, peer)
    if not a or not b:
        return None
    # A peer whose CPU time is below the clock's resolution (a --smoke run's tiny data)
    # has no ratio.
    ratio = ("—" if b['cpu_per_gb'] <= 0
             else f"**{a['cpu_per_gb'] / b['cpu_per_gb']:.2f}×**")
    return (f"| {mine} ÷ {peer} | {a['cpu_per_gb']:.1f} / {b['cpu_per_gb']:.1f} | "
            f"{ratio} | {target} |")


def write_report(opts, rows, info, charts):
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    records, value_bytes = info["records"], info["value_bytes"]
    argv = sys.argv[1:]
    if "--build" in argv:  # run.sh passes its own build directory
        i = argv.index("--build")
        argv = argv[:i] + argv[i + 2:]
    args = " ".join(argv)
    lines = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (bench/run.sh → bench/e2e_bench.py); all figures below "
        "come from one run. The memory benchmark with 10,000 open paths is in "
        "[bench-paths.md](bench-paths.md).",
        "",
        "## Setup",
        "",
        f"- Command: `/usr/bin/python3 bench/e2e_bench.py {args}` "
        f"(what `bench/run.sh {args}` runs after building, with `--build build`).",
        f"- Machine: {cpu}, {os.cpu_count()} cores, {platform.platform()}. Load average "
        f"(1/5/15 min) {'/'.join(f'{x:.1f}' for x in info['load_start'])} at the start and "
        f"{'/'.join(f'{x:.1f}' for x in info['load_end'])} at the end: the machine was shared, "
        "so compare the ratios within this run, not absolute times across runs.",
        "- Versions: " + "; ".join(v if v.lower().startswith(k.lower()) else f"{k} {v}"
                                   for k, v in info["versions"].items()) + ".",
        f"- Data: {records:,} order events keyed by order id, {value_bytes / 1e6:.1f} MB of "
        f"JSON values (~{value_bytes // records} bytes each: nested items, a timestamp, low- "
        f"and high-cardinality fields), pre-filled with kcat (uncompressed batches) into "
        f"{PARTITIONS} partitions of `tributary broker` "
        f"({min(info['per_partition'].values()):,}–{max(info['per_partition'].values()):,} "
        f"records each) in {info['prefill_seconds']:.1f} s. The broker runs in its own process "
        "on the same machine; **its CPU is not counted** for any contender (each contender "
        "that reads Kafka reads from it the same way).",
        "- Method: each contender's own process is measured with wait4() (user + sys CPU, "
        "peak RSS, wall time). CPU s/GB = CPU seconds ÷ GB (10^9 bytes) of JSON values in; "
        "records/s and MB/s use wall time. The sink runs in catch-up mode (the backlog is "
        f"there before it starts), exactly-once journal mode, `flush.size={info['flush_size']}`, "
        f"`rotate.schedule.interval.ms={info['schedule_ms']}` (closes the partitions' last "
        "files), `rest.port=0`; the bench polls `/metrics` "
        "(`tributary_sink_records_written_total`) until every record is in a visible object, "
        "then stops the sink with SIGTERM and checks that every partition's journal is "
        "committed at the topic's end. The sink's wall time therefore includes start-up, "
        "joining the consumer group and up to one rotation interval of waiting for the last "
        "files; its CPU includes the shutdown.",
        "- Variants: CSV is Aiven's dialect (`format.output.type=csv`, fields `key,value,offset,timestamp`, the value unencoded, no compression); Parquet and Avro use the events' schema declared in `value.schema` (nested `items` list of records, `ts` as timestamp-millis), except \"inferred\" (`schema.inference=true`); Avro blocks are snappy-compressed. DuckDB infers its schema from the JSON.",
        "- Objects per GB: the store listed after the run (data objects under `topics/`, not "
        "the journals). Requests per GB (radosgw only): the difference of radosgw's own "
        "request counter (`perf dump`, `rgw.req`) before and after the run, so every request "
        "the contender made (journal writes, multipart create/part/complete, listing at "
        "start) is counted. The sink's `/metrics` exports no store request counter yet "
        "(`tributary_sink_multipart_parts_uploaded_total` is defined but not fed), and the "
        "local store has no requests to count.",
        "",
        "## Results",
        "",
        "| contender | wall s | CPU s | CPU s/GB | records/s | MB/s | peak RSS MiB | "
        "objects/GB | requests/GB | note |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        lines.append(f"| {r['name']} | {r['wall']:.2f} | {r['cpu']:.2f} | "
                     f"{r['cpu_per_gb']:.1f} | {r['rps']:,.0f} | {r['mbps']:.1f} | "
                     f"{r['rss']:.0f} | {fmt(r['objects_per_gb'], ',.0f')} | "
                     f"{fmt(r['requests_per_gb'], ',.0f')} | {r['note']} |")
    lines += [""]
    for path in charts:
        rel = os.path.relpath(path, os.path.dirname(os.path.abspath(opts.out)))
        lines.append(f"![{os.path.basename(path)}]({rel})")
        lines.append("")

    lines += ["## Headline: Tributary ÷ peer", "",
              "| target | CPU s/GB (Tributary / peer) | ratio | target |", "|---|---:|---:|---|"]
    for mine, peer, target in (
            ("tributary sink, JSON gzip, local", "zlib level 6 (Python zlib loop)",
             "≤ 1.15× the codec alone"),
            ("tributary sink, JSON gzip, local", "pigz -p 1 -6 (zlib, one thread)",
             "≤ 1.15× the codec alone"),
            ("tributary sink, JSON gzip, local", "gzip -6 (GNU gzip CLI)",
             "(the issue's wording; GNU gzip is not zlib, see below)"),
            ("tributary sink, JSON zstd, local", "zstd -3 (CLI)", "(no target)"),
            ("tributary sink, Parquet snappy, local", "DuckDB JSON to Parquet snappy, 1 thread",
             "≤ 1.0×"),
            ("tributary sink, Parquet zstd, local", "DuckDB JSON to Parquet zstd, 1 thread",
             "≤ 1.0×"),
            ("tributary sink, Parquet snappy, inferred, local",
             "DuckDB JSON to Parquet snappy, 1 thread", "≤ 1.0× (both infer the schema)"),
            ("tributary sink, bytes, local", "kcat -C to /dev/null (librdkafka consume alone)",
             "(the consume floor: no encoding)"),
            ("tributary sink, JSON gzip, local", "naive Python sink, gzip, local",
             "(what users write instead)"),
            ("tributary sink, JSON gzip, local", "kcat -C piped to gzip -6, local file",
             "(what users script instead)")):
        line = ratio_line(rows, mine, peer, target)
        if line:
            lines.append(line)
    plain = find(rows, "tributary sink, JSON, local")
    if plain and plain['cpu_per_gb'] > 0:
        lines += ["", f"JSON uncompressed: {1 / plain['cpu_per_gb']:.3f} GB of input per CPU "
                      f"second ({plain['cpu_per_gb']:.1f} CPU s/GB) — target ≥ 1 GB/s per core, "
                      f"i.e. ≤ 1.0 CPU s/GB."]
    if info.get("perf"):
        lines += ["", "## Profile of the JSON (uncompressed) run", "",
                  "A separate run of the same JSON variant (not in the table: perf's sampling "
                  f"costs CPU; {info['perf_cpu_per_gb']:.1f} CPU s/GB under perf), sampled with "
                  f"`perf record {'--call-graph dwarf,16384 -F 300' if opts.perf_call_graph == 'dwarf' else '-g'} -p <sink pid>`, reported with "
                  "`perf report --no-children --stdio -g none --percent-limit 0.7` "
                  "(self time per symbol):", "", "```", info["perf"], "```"]
    # The hand-written analysis lives in the report itself between two markers, and a
    # new run keeps it (re-check it against the new figures).
    analysis = ("<!-- analysis:begin (hand-written; kept when the bench rewrites this file) -->\n"
                "## Analysis\n\nNot written for this run yet.\n<!-- analysis:end -->")
    if os.path.exists(opts.out):
        with open(opts.out) as f:
            old = re.search(r"<!-- analysis:begin.*?<!-- analysis:end -->", f.read(), re.S)
        if old:
            analysis = old.group(0)
    lines += ["", analysis]
    lines += ["", "## Reproduce", "",
              "`make bench` (arguments through `BENCH_ARGS`, e.g. "
              "`make bench BENCH_ARGS=\"--records 1000000 --s3\"`), or `bench/run.sh "
              "--records N --s3`. The test suite runs `bench/e2e_bench.py --smoke` (3,000 "
              "records, two variants) to keep the harness working; it checks the report's "
              "shape, not a speed."]
    os.makedirs(os.path.dirname(os.path.abspath(opts.out)), exist_ok=True)
    with open(opts.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {opts.out}")


if __name__ == "__main__":
    main()
