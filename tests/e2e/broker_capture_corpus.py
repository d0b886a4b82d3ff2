"""Captures the codec corpus (src/kafka/protocol/corpus/) from real clients.

For each cap level N (0..12, then no cap) it starts `tributary broker --capture-dir DIR
--max-api-version '*=N'`: ApiVersions advertises at most version N of every API (never
below the API's minimum) and refuses ApiVersions above N, so each client negotiates down
to the highest version both sides know. Every client then runs a workload touching every
API it can send (admin, idempotent producer, consumer group with commits, offsets
queries). The broker writes the first request of each (client id, API, version) as a
frame file; this script keeps the frames of versions the broker serves and copies those
the corpus does not have yet as `<client>-<Api>-v<N>.bin` (client: librdkafka,
kafka-python, kafkajs, platformatic for @platformatic/kafka). A second round caps one
API alone at each version still missing below the highest captured one.
kafka_protocol_test then checks that each frame decodes and re-encodes byte-identically.

  TRIBUTARY_BIN=build/tributary TRIBUTARY_NODE_DIR=tests/node \\
    /usr/bin/python3 tests/e2e/broker_capture_corpus.py [--out src/kafka/protocol/corpus]

Prints, per API, the versions the corpus covers and the served versions it does not.
A development tool (minutes), not a CTest test. Clients that fail at a cap level (for
example kafka-python guessing a broker too old for the versions the broker serves) are
reported and skipped: whatever they sent before failing is still captured.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import broker_harness  # noqa: E402
import harness  # noqa: E402

CLIENT_IDS = {"librdkafka": "librdkafka", "kafka-python": "kafka-python",
              "kafkajs": "kafkajs", "platformatic": "platformatic"}
CLIENT_TIMEOUT = 60
# Frames a client sends that do not follow Kafka's definition of that version; never
# added to the corpus (the broker rejects them, as Kafka would).
MALFORMED = {
    ("platformatic", "Metadata", 11):
        "writes IncludeClusterAuthorizedOperations, which Metadata v11 removed",
}


def served_apis():
    out = subprocess.run([harness.env_path("TRIBUTARY_BIN"), "broker", "--print-apis"],
                         capture_output=True, text=True, check=True).stdout
    apis = {}
    for line in out.splitlines():
        m = re.match(r"(\w+)\s+key\s+(\d+)\s+versions (\d+)-(\d+)", line)
        if m:
            apis[m.group(1)] = (int(m.group(3)), int(m.group(4)))
    return apis


LIBRDKAFKA = r'''
import sys, time
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic
b, topic, group = sys.argv[1:4]
base = {"bootstrap.servers": b, "client.id": "librdkafka"}
admin = AdminClient(base)
admin.create_topics([NewTopic(topic, 2, 1)])[topic].result(15)
p = Producer({**base, "enable.idempotence": True, "compression.type": "gzip", "linger.ms": 5})
for i in range(20):
    p.produce(topic, key=str(i), value=b"v%d" % i)
assert p.flush(15) == 0
c = Consumer({**base, "group.id": group, "auto.offset.reset": "earliest",
              "enable.auto.commit": False, "heartbeat.interval.ms": 100,
              "session.timeout.ms": 6000})
c.subscribe([topic])
got = 0
deadline = time.time() + 20
while got < 20 and time.time() < deadline:
    m = c.poll(0.2)
    if m is not None and not m.error():
        got += 1
time.sleep(0.5)  # heartbeats
c.commit(asynchronous=False)
c.committed([TopicPartition(topic, 0), TopicPartition(topic, 1)], timeout=10)
c.get_watermark_offsets(TopicPartition(topic, 0), timeout=10, cached=False)
c.offsets_for_times([TopicPartition(topic, 0, 0)], timeout=10)
c.close()
admin.list_groups(timeout=10)
for f in admin.describe_configs([ConfigResource("topic", topic)]).values():
    f.result(10)
admin.delete_topics([topic])[topic].result(15)
assert got == 20, got
'''

KAFKA_PYTHON = r'''
import sys
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import ConfigResource, ConfigResourceType, NewTopic
b, topic, group = sys.argv[1:4]
admin = KafkaAdminClient(bootstrap_servers=b, client_id="kafka-python")
admin.create_topics([NewTopic(topic, 2, 1)])
p = KafkaProducer(bootstrap_servers=b, client_id="kafka-python", acks="all", compression_type="gzip")
for i in range(20):
    p.send(topic, b"v%d" % i).get(15)
p.close()
c = KafkaConsumer(topic, bootstrap_servers=b, client_id="kafka-python", group_id=group,
                  auto_offset_reset="earliest", enable_auto_commit=False,
                  consumer_timeout_ms=4000, heartbeat_interval_ms=100)
values = [m.value for m in c]
c.commit()
tps = [TopicPartition(topic, 0), TopicPartition(topic, 1)]
c.committed(tps[0])
c.end_offsets(tps)
c.beginning_offsets(tps)
c.offsets_for_times({tps[0]: 0})
c.close()
admin.list_consumer_groups()
admin.describe_consumer_groups([group])
admin.list_consumer_group_offsets(group)
admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
admin.delete_topics([topic])
admin.close()
assert len(values) == 20, len(values)
'''


def run_clients(bootstrap, level):
    py = "/usr/bin/python3"
    topic, group = harness.fresh_name(f"corpus{level}"), harness.fresh_name("corpus-group")
    runs = {
        "librdkafka": [py, "-c", LIBRDKAFKA, bootstrap, topic + "-rd", group + "-rd"],
        "kafka-python": [py, "-c", KAFKA_PYTHON, bootstrap, topic + "-kp", group + "-kp"],
        "kafkajs": ["node", os.path.join(harness.env_path("TRIBUTARY_NODE_DIR"),
                                         "broker_kafkajs.mjs"), bootstrap, topic + "-kj",
                    group + "-kj", "20"],
        "platformatic": ["node", os.path.join(harness.env_path("TRIBUTARY_NODE_DIR"),
                                              "broker_platformatic.mjs"), bootstrap,
                         topic + "-pk", group + "-pk", "20"],
    }
    for client, args in runs.items():
        try:
            out = subprocess.run(args, capture_output=True, text=True, timeout=CLIENT_TIMEOUT)
            ok = out.returncode == 0
            detail = (out.stderr.strip().splitlines() or [""])[-1][:160]
        except subprocess.TimeoutExpired:
            ok, detail = False, f"timed out after {CLIENT_TIMEOUT}s"
        print(f"  cap {level}: {client}: {'ok' if ok else 'FAILED ' + detail}", flush=True)


def client_family(client_id):
    for prefix, family in CLIENT_IDS.items():
        if client_id.startswith(prefix):
            return family
    return None


def capture_round(capture, label, caps):
    """One broker with `caps` (["API=N", ...]), the three clients, frames in capture/label."""
    level_dir = os.path.join(capture, label)
    os.makedirs(level_dir)
    extra = ["--capture-dir", level_dir, "--default-partitions", "2"]
    for cap in caps:
        extra += ["--max-api-version", cap]
    with broker_harness.Broker(*extra) as broker:
        run_clients(broker.bootstrap, label)
        time.sleep(0.2)


def corpus_index(out):
    index = {}
    for name in os.listdir(out):
        m = re.match(r"(.+)-(\w+)-v(\d+)\.bin$", name)
        if m and client_family(m.group(1)):
            index[(client_family(m.group(1)), m.group(2), int(m.group(3)))] = name
    return index


def merge(capture, out, apis, existing):
    """Copies captured frames of served versions the corpus lacks; returns their names."""
    added = []
    for level in sorted(os.listdir(capture)):
        for name in sorted(os.listdir(os.path.join(capture, level))):
            m = re.match(r"(.+)-(\w+)-v(\d+)\.bin$", name)
            if not m:
                continue
            family, api, version = client_family(m.group(1)), m.group(2), int(m.group(3))
            if family is None or api not in apis:
                continue
            lo, hi = apis[api]
            if not lo <= version <= hi or (family, api, version) in existing:
                continue
            if (family, api, version) in MALFORMED:
                print(f"skipped {name}: {MALFORMED[(family, api, version)]}")
                continue
            target = f"{family}-{api}-v{version}.bin"
            shutil.copyfile(os.path.join(capture, level, name), os.path.join(out, target))
            existing[(family, api, version)] = target
            added.append(target)
    return added


def main():
    parser = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--out", default=os.path.join(here, "..", "..", "src", "kafka",
                                                      "protocol", "corpus"))
    parser.add_argument("--levels", default=",".join(str(i) for i in range(13)) + ",none")
    args = parser.parse_args()
    apis = served_apis()
    existing = corpus_index(args.out)
    # Round 1: every API capped at the same level.
    capture = harness.temp_dir("corpus-capture")
    for level in filter(None, args.levels.split(",")):
        capture_round(capture, level, [] if level == "none" else [f"*={level}"])
    added = merge(capture, args.out, apis, existing)
    harness.remove_tree(capture)
    # Round 2: one API capped alone at each version still missing below the highest one
    # captured (at low common levels some clients give up before reaching that API).
    capture = harness.temp_dir("corpus-capture")
    for api, (lo, hi) in sorted(apis.items()):
        have = {v for (_, a, v) in existing if a == api}
        for v in range(lo, max(have, default=lo)):
            if v not in have:
                capture_round(capture, f"{api}-{v}", [f"{api}={v}"])
    added += merge(capture, args.out, apis, existing)
    harness.remove_tree(capture)
    print(f"\nadded {len(added)} frames: {' '.join(added)}")
    print("\ncoverage (API: captured versions | served versions no client here sent):")
    for api, (lo, hi) in sorted(apis.items()):
        have = sorted({v for (_, a, v) in existing if a == api})
        missing = [v for v in range(lo, hi + 1) if v not in have]
        print(f"  {api:16} {lo}-{hi}: captured {have} | not captured {missing}")


if __name__ == "__main__":
    main()
