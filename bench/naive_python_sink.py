#!/usr/bin/python3
"""The kind of sink users write by hand (a peer in bench/e2e_bench.py): consume with
confluent-kafka (a fresh group each run), batch 1,000 values, gzip each batch, write it as a file (or PUT it with
boto3 when OUT is s3://BUCKET), commit.

usage: naive_python_sink.py BOOTSTRAP TOPIC PARTITIONS OUT [IDLE_SECONDS]

It stops when every one of the topic's PARTITIONS partitions has reported its end
(enable.partition.eof), or when nothing arrived for IDLE_SECONDS (default 30), and prints
one JSON line: {"consumed": N, "files": F, "stopped": "end_of_partitions" | "idle"}.
(An earlier version stopped only after an expected record count, and waited forever when
the topic held fewer records than that.)"""
import gzip
import json
import os
import sys
import time
import uuid

from confluent_kafka import Consumer, KafkaError

bootstrap, topic, partitions, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
idle_seconds = float(sys.argv[5]) if len(sys.argv) > 5 else 30.0

s3 = None
if out.startswith("s3://"):
    import boto3
    from botocore.config import Config
    bucket = out[len("s3://"):]
    s3 = boto3.client("s3", endpoint_url=os.environ["S3_ENDPOINT"],
                      aws_access_key_id=os.environ["S3_ACCESS_KEY"],
                      aws_secret_access_key=os.environ["S3_SECRET_KEY"],
                      region_name=os.environ.get("S3_REGION", "us-east-1"),
                      config=Config(s3={"addressing_style": "path"}))

consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"naive-python-sink-{uuid.uuid4().hex[:8]}",
                     "auto.offset.reset": "earliest", "enable.auto.commit": False,
                     "enable.partition.eof": True})
consumer.subscribe([topic])
batch, seen, files = [], 0, 0
at_end = set()
last_data = time.monotonic()
stopped = "idle"


def put(values):
    global files
    body = gzip.compress(b"\n".join(values) + b"\n", compresslevel=6)
    name = f"part-{files:06d}.json.gz"
    if s3 is not None:
        s3.put_object(Bucket=bucket, Key=name, Body=body)
    else:
        with open(os.path.join(out, name), "wb") as f:
            f.write(body)
    files += 1
    consumer.commit(asynchronous=False)


while True:
    for m in consumer.consume(num_messages=1000, timeout=1.0):
        if m.error():
            if m.error().code() == KafkaError._PARTITION_EOF:
                at_end.add(m.partition())
            continue
        at_end.discard(m.partition())
        batch.append(m.value())
        seen += 1
        last_data = time.monotonic()
    if len(batch) >= 1000:
        put(batch)
        batch = []
    if len(at_end) >= partitions:
        stopped = "end_of_partitions"
        break
    if time.monotonic() - last_data > idle_seconds:
        break
if batch:
    put(batch)
consumer.close()
print(json.dumps({"consumed": seen, "files": files, "stopped": stopped}), flush=True)
