#!/usr/bin/python3
"""The kind of sink users write by hand (a peer in bench/e2e_bench.py): consume with
confluent-kafka, batch 1,000 values, write each batch as a gzip file, commit.
usage: naive_python_sink.py BOOTSTRAP TOPIC RECORDS OUT_DIR"""
import gzip
import os
import sys

from confluent_kafka import Consumer

bootstrap, topic, records, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "naive-python-sink",
                     "auto.offset.reset": "earliest", "enable.auto.commit": False})
consumer.subscribe([topic])
batch, seen, files = [], 0, 0
while seen < records:
    for m in consumer.consume(num_messages=1000, timeout=1.0):
        if m.error():
            continue
        batch.append(m.value())
        seen += 1
    if len(batch) >= 1000 or (seen >= records and batch):
        with gzip.open(os.path.join(out, f"part-{files:06d}.json.gz"), "wb", compresslevel=6) as f:
            f.write(b"\n".join(batch) + b"\n")
        files += 1
        batch = []
        consumer.commit(asynchronous=False)
consumer.close()
