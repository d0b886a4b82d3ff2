#!/usr/bin/python3
"""Benchmark of `tributary broker` with confluent-kafka (librdkafka): produce throughput
and acks=all latency, consume throughput, and the fsync latency of the disk under the
data directory, measured in the same run (the floor the WAL cannot beat).

    /usr/bin/python3 bench/broker_bench.py --bin build/tributary [--records 200000]
        [--size 512] [--partitions 6] [--data-root /tmp]

Not a test: it reports figures (bench/README.md)."""
import argparse
import os
import select
import shutil
import signal
import statistics
import subprocess
import tempfile
import threading
import time


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))]


def fsync_latency(directory, rounds=300):
    path = os.path.join(directory, "fsync-probe")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    block = os.urandom(4096)
    out = []
    try:
        for _ in range(rounds):
            os.write(fd, block)
            t = time.perf_counter()
            os.fdatasync(fd)
            out.append((time.perf_counter() - t) * 1000)
    finally:
        os.close(fd)
        os.unlink(path)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/tributary")
    ap.add_argument("--records", type=int, default=200_000)
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--partitions", type=int, default=6)
    ap.add_argument("--latency-records", type=int, default=500)
    ap.add_argument("--data-root", default=tempfile.gettempdir())
    args = ap.parse_args()
    from confluent_kafka import Consumer, Producer
    from confluent_kafka.admin import AdminClient, NewTopic

    data = tempfile.mkdtemp(prefix="broker-bench-", dir=args.data_root)
    broker = subprocess.Popen([args.bin, "broker", "--data-dir", os.path.join(data, "d"),
                               "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    try:
        select.select([broker.stdout], [], [], 20)
        bootstrap = broker.stdout.readline().strip().split("=", 1)[1]
        fsyncs = fsync_latency(data)
        admin = AdminClient({"bootstrap.servers": bootstrap})
        admin.create_topics([NewTopic("bench", args.partitions, 1),
                             NewTopic("latency", 1, 1)])["bench"].result(10)

        # 1. Throughput with acks=all (idempotent, batched), latency per record under load.
        value = os.urandom(args.size // 2).hex().encode()[:args.size]
        lat = []
        lock = threading.Lock()
        p = Producer({"bootstrap.servers": bootstrap, "acks": "all", "enable.idempotence": True,
                      "linger.ms": 5, "batch.size": 1 << 20, "queue.buffering.max.messages": 1_000_000})
        t0 = time.perf_counter()
        for i in range(args.records):
            sent = time.perf_counter()
            while True:
                try:
                    p.produce("bench", value=value, partition=i % args.partitions,
                              on_delivery=lambda err, m, s=sent: lat.append((time.perf_counter() - s) * 1000))
                    break
                except BufferError:
                    p.poll(0.01)
            if i % 1000 == 0:
                p.poll(0)
        p.flush(120)
        produce_s = time.perf_counter() - t0

        # 2. acks=all latency of one record at a time (no batching): WAL fsync + overhead.
        single = []
        p1 = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 0})
        for i in range(args.latency_records):
            t = time.perf_counter()
            p1.produce("latency", value=value)
            p1.flush(10)
            single.append((time.perf_counter() - t) * 1000)

        # 3. Consume throughput from the beginning (mostly packed data by now).
        c = Consumer({"bootstrap.servers": bootstrap, "group.id": "bench",
                      "auto.offset.reset": "earliest", "fetch.max.bytes": 52428800})
        c.subscribe(["bench"])
        got = 0
        t0 = time.perf_counter()
        first = None
        while got < args.records and time.perf_counter() - t0 < 120:
            msgs = c.consume(num_messages=10000, timeout=1)
            if msgs and first is None:
                first = time.perf_counter()
            got += sum(1 for m in msgs if not m.error())
        consume_s = time.perf_counter() - (first or t0)
        c.close()
        mib = args.records * args.size / (1 << 20)
        print(f"records {args.records} x {args.size} B, {args.partitions} partitions, "
              f"data dir {data}")
        print(f"disk fdatasync (4 KiB)         p50 {percentile(fsyncs, 50):7.2f} ms  p99 {percentile(fsyncs, 99):7.2f} ms")
        print(f"produce acks=all, batched      {args.records / produce_s:10.0f} rec/s  {mib / produce_s:7.1f} MiB/s")
        print(f"  latency under load           p50 {percentile(lat, 50):7.2f} ms  p99 {percentile(lat, 99):7.2f} ms")
        print(f"produce acks=all, one at a time p50 {percentile(single, 50):7.2f} ms  p99 {percentile(single, 99):7.2f} ms  mean {statistics.mean(single):.2f} ms")
        print(f"consume                        {got / consume_s:10.0f} rec/s  {got * args.size / (1 << 20) / consume_s:7.1f} MiB/s ({got} records)")
    finally:
        broker.send_signal(signal.SIGTERM)
        broker.wait(30)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
