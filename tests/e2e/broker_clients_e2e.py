"""`tributary broker` against independent clients: kcat (librdkafka), confluent-kafka
(librdkafka from Python), kafka-python (pure Python) and kafkajs (pure JavaScript).
Each scenario is a produce/consume round trip with a consumer group and committed
offsets; compressed batches are produced with every codec the client supports."""
import json
import os
import socket
import struct
import subprocess
import time
import unittest

import broker_harness
import harness

CODECS = ("gzip", "snappy", "lz4", "zstd")


def kcat(*args, stdin=None, timeout=30):
    out = subprocess.run(["kcat", *args], input=stdin, capture_output=True, timeout=timeout)
    if out.returncode != 0:
        raise AssertionError(f"kcat {args} failed: {out.stderr.decode()}")
    return out.stdout.decode()


class BrokerClientsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Packing every 300 ms: consumers below read packed data through the object index.
        cls.broker = broker_harness.Broker("--pack-interval-ms", "300", "--default-partitions", "2")
        cls.broker.start()
        cls.b = cls.broker.bootstrap

    @classmethod
    def tearDownClass(cls):
        cls.broker.__exit__(None, None, None)

    def test_kcat_metadata_produce_consume_group(self):
        topic = harness.fresh_name("kcat")
        for codec in CODECS:
            lines = "".join(f"{codec}-{i}\n" for i in range(50))
            kcat("-b", self.b, "-P", "-t", topic, "-z", codec, "-X", "acks=all", stdin=lines.encode())
        meta = json.loads(kcat("-b", self.b, "-L", "-J", "-t", topic))
        self.assertEqual(meta["brokers"], [{"id": 1, "name": self.b}])
        self.assertEqual(len(meta["topics"][0]["partitions"]), 2)  # --default-partitions
        got = kcat("-b", self.b, "-C", "-t", topic, "-o", "beginning", "-e", "-q").split()
        self.assertEqual(sorted(got), sorted(f"{c}-{i}" for c in CODECS for i in range(50)))
        time.sleep(0.5)  # let the packer move the data into an object
        # A kcat consumer group commits what it read; a second run reads only new records.
        group = harness.fresh_name("kcat-group")
        first = kcat("-b", self.b, "-G", group, "-X", "auto.offset.reset=earliest", "-e", "-q", topic,
                     timeout=60).split()
        self.assertEqual(len(first), 200)
        kcat("-b", self.b, "-P", "-t", topic, stdin=b"late-1\nlate-2\n")
        second = kcat("-b", self.b, "-G", group, "-e", "-q", topic, timeout=60).split()
        self.assertEqual(sorted(second), ["late-1", "late-2"])

    def test_confluent_kafka_idempotent_producer_and_cooperative_group(self):
        from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition
        from confluent_kafka.admin import AdminClient, NewTopic
        topic = harness.fresh_name("ck")
        admin = AdminClient({"bootstrap.servers": self.b})
        admin.create_topics([NewTopic(topic, num_partitions=4, replication_factor=1)])[topic].result(10)
        acked = []

        def on_delivery(err, msg):
            self.assertIsNone(err)
            acked.append((msg.partition(), msg.offset(), msg.value()))

        for codec in CODECS:
            p = Producer({"bootstrap.servers": self.b, "enable.idempotence": True,
                          "compression.type": codec, "linger.ms": 5})
            for i in range(250):
                p.produce(topic, key=str(i), value=f"{codec}-{i}".encode(), on_delivery=on_delivery)
            self.assertEqual(p.flush(20), 0)
        self.assertEqual(len(acked), 1000)
        self.assertEqual(len({(p, o) for p, o, _ in acked}), 1000, "offsets are unique")

        # Two members with cooperative-sticky: the second joins while the first consumes.
        group = harness.fresh_name("ck-group")
        conf = {"bootstrap.servers": self.b, "group.id": group, "auto.offset.reset": "earliest",
                "partition.assignment.strategy": "cooperative-sticky", "enable.auto.commit": False,
                "session.timeout.ms": 6000, "heartbeat.interval.ms": 300}
        a, b = Consumer(conf), Consumer(conf)
        seen = {}

        def commit(c, m):
            if m.offset() % 20:
                return  # every 20th offset: each synchronous commit waits for an fsync
            try:
                c.commit(message=m, asynchronous=False)
                return
            except KafkaException as e:
                # Commits of a generation that a rebalance just replaced fail, as in
                # Kafka; the next commit after the rebalance covers them.
                self.assertIn(e.args[0].code(), (KafkaError.ILLEGAL_GENERATION,
                                                  KafkaError.REBALANCE_IN_PROGRESS,
                                                  KafkaError.UNKNOWN_MEMBER_ID))

        try:
            a.subscribe([topic])
            deadline = time.monotonic() + 30
            while len(seen) < 300 and time.monotonic() < deadline:
                m = a.poll(0.2)
                if m is not None and not m.error():
                    seen[(m.partition(), m.offset())] = m.value()
                    commit(a, m)
            b.subscribe([topic])
            deadline = time.monotonic() + 40
            while time.monotonic() < deadline:
                for c in (a, b):
                    for m in c.consume(num_messages=200, timeout=0.05):
                        if not m.error():
                            seen[(m.partition(), m.offset())] = m.value()
                            commit(c, m)
                if len(seen) == 1000 and a.assignment() and b.assignment():
                    break
            for c in (a, b):  # both members now own their partitions: commit positions
                c.poll(0.2)
                try:
                    c.commit(asynchronous=False)
                except KafkaException as e:  # nothing consumed since the last commit
                    self.assertEqual(e.args[0].code(), KafkaError._NO_OFFSET)
            parts_a = {tp.partition for tp in a.assignment()}
            parts_b = {tp.partition for tp in b.assignment()}
            self.assertEqual(parts_a | parts_b, {0, 1, 2, 3}, "every partition assigned")
            self.assertFalse(parts_a & parts_b, "no partition assigned twice")
            self.assertTrue(parts_a and parts_b, "the rebalance gave both members partitions")
            committed = a.committed([TopicPartition(topic, p) for p in range(4)], timeout=10)
        finally:
            a.close()
            b.close()
        self.assertEqual(sorted(seen.values()), sorted(v for _, _, v in acked))
        ends = {}
        for p, o, _ in acked:
            ends[p] = max(ends.get(p, 0), o + 1)
        self.assertEqual({tp.partition: tp.offset for tp in committed}, ends)

    def test_confluent_kafka_static_member_restarts_in_place(self):
        # group.instance.id: a restarted member takes over its old place (no second
        # member), and resumes from the offsets it committed.
        from confluent_kafka import Consumer, Producer
        from confluent_kafka.admin import AdminClient, NewTopic
        topic, group = harness.fresh_name("static"), harness.fresh_name("static-group")
        admin = AdminClient({"bootstrap.servers": self.b})
        admin.create_topics([NewTopic(topic, 2, 1)])[topic].result(10)
        p = Producer({"bootstrap.servers": self.b})
        for i in range(20):
            p.produce(topic, value=str(i).encode(), partition=i % 2)
        p.flush(10)
        conf = {"bootstrap.servers": self.b, "group.id": group, "group.instance.id": "worker-1",
                "auto.offset.reset": "earliest", "enable.auto.commit": False,
                "session.timeout.ms": 10000}
        first = Consumer(conf)
        first.subscribe([topic])
        got = []
        deadline = time.monotonic() + 20
        while len(got) < 10 and time.monotonic() < deadline:
            got += [m for m in first.consume(num_messages=10 - len(got), timeout=0.2) if not m.error()]
        first.commit(asynchronous=False)
        first.close()  # a static member sends no LeaveGroup: its place is kept
        second = Consumer(conf)
        second.subscribe([topic])
        rest = []
        deadline = time.monotonic() + 20
        while len(got) + len(rest) < 20 and time.monotonic() < deadline:
            rest += [m for m in second.consume(num_messages=20, timeout=0.2) if not m.error()]
        from kafka import KafkaAdminClient
        kp_admin = KafkaAdminClient(bootstrap_servers=self.b)
        described = kp_admin.describe_consumer_groups([group])[0]
        kp_admin.close()
        second.close()
        self.assertEqual(sorted(int(m.value()) for m in got + rest), list(range(20)))
        self.assertEqual(described.state, "Stable")
        self.assertEqual(len(described.members), 1, "the restart replaced the member")

    def test_kafka_python_admin_producer_group(self):
        from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
        from kafka.admin import NewTopic
        topic = harness.fresh_name("kp")
        admin = KafkaAdminClient(bootstrap_servers=self.b)
        admin.create_topics([NewTopic(topic, 3, 1)])
        self.assertIn(topic, admin.list_topics())
        sent = []
        # kafka-python 2.0.2 here has gzip and snappy (no lz4/zstd libraries installed).
        for codec in (None, "gzip", "snappy"):
            p = KafkaProducer(bootstrap_servers=self.b, compression_type=codec, acks="all")
            futures = [p.send(topic, f"{codec}-{i}".encode()) for i in range(100)]
            p.flush()
            sent += [(f.get(10).partition, f.get(10).offset) for f in futures]
            p.close()
        self.assertEqual(len(set(sent)), 300)
        group = harness.fresh_name("kp-group")
        c = KafkaConsumer(topic, bootstrap_servers=self.b, group_id=group,
                          auto_offset_reset="earliest", enable_auto_commit=False,
                          consumer_timeout_ms=4000)
        values = [m.value.decode() for m in c]
        c.commit()
        committed = {p: c.committed(TopicPartition(topic, p)) for p in range(3)}
        c.close()
        self.assertEqual(sorted(values),
                         sorted(f"{codec}-{i}" for codec in (None, "gzip", "snappy") for i in range(100)))
        ends = {}
        for p, o in sent:
            ends[p] = max(ends.get(p, 0), o + 1)
        self.assertEqual(committed, ends)
        described = admin.describe_consumer_groups([group])[0]
        self.assertEqual((described.group, described.state, described.protocol_type),
                         (group, "Empty", "consumer"))
        self.assertIn((group, "consumer"), admin.list_consumer_groups())
        from kafka.admin import ConfigResource, ConfigResourceType
        res = admin.describe_configs([ConfigResource(ConfigResourceType.BROKER, "1"),
                                      ConfigResource(ConfigResourceType.TOPIC, topic)])
        entries = {r[3]: {c[0]: c[1] for c in r[4]} for resp in res for r in resp.resources}
        self.assertEqual(entries["1"]["default.replication.factor"], "1")
        self.assertEqual(entries[topic]["cleanup.policy"], "delete")
        admin.delete_topics([topic])
        self.assertNotIn(topic, admin.list_topics())
        admin.close()

    def test_kafkajs_producer_and_group(self):
        topic, group = harness.fresh_name("kj"), harness.fresh_name("kj-group")
        node_dir = harness.env_path("TRIBUTARY_NODE_DIR")
        out = subprocess.run(["node", os.path.join(node_dir, "broker_kafkajs.mjs"), self.b, topic, group, "400"],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        self.assertEqual(sorted(s["value"] for s in r["seen"]), sorted(f"kafkajs-{i}" for i in range(400)))
        ends = {}
        for s in r["seen"]:
            ends[s["partition"]] = max(ends.get(s["partition"], 0), s["offset"] + 1)
        self.assertEqual({p["partition"]: int(p["offset"]) for p in r["offsets"]}, ends)
        self.assertIn(group, [g["groupId"] for g in r["groups"]])
        self.assertEqual((r["described"][0]["groupId"], r["described"][0]["state"]), (group, "Empty"))
        self.assertIn(["cleanup.policy", "delete"], r["configs"])
        low = {w["partition"]: int(w["low"]) for w in r["watermarks"]}
        high = {w["partition"]: int(w["high"]) for w in r["watermarks"]}
        self.assertEqual(low, {0: 10, 1: 0}, "DeleteRecords moved partition 0's log start")
        self.assertEqual(high, ends)
        # The same records, read back by an independent client (librdkafka): all but the
        # ten that DeleteRecords removed from partition 0.
        again = broker_harness.consume_all(self.b, topic, 390)
        deleted = {s["value"] for s in r["seen"] if s["partition"] == 0 and s["offset"] < 10}
        self.assertEqual(sorted(v.decode() for _, _, _, v in again),
                         sorted({f"kafkajs-{i}" for i in range(400)} - deleted))

    def test_platformatic_kafka_newest_versions(self):
        # @platformatic/kafka (pure JavaScript) speaks the newest versions: Produce v9,
        # Fetch v13 (topics by id), Metadata v12, JoinGroup v7, SyncGroup v5, OffsetCommit
        # v8, OffsetFetch v8, ListOffsets v7, CreateTopics v7, DeleteTopics v6, ...
        topic, group = harness.fresh_name("pk"), harness.fresh_name("pk-group")
        out = subprocess.run(["node", os.path.join(harness.env_path("TRIBUTARY_NODE_DIR"),
                                                   "broker_platformatic.mjs"),
                              self.b, topic, group, "60"],
                             capture_output=True, text=True, timeout=90)
        self.assertEqual(out.returncode, 0, out.stderr[-3000:])
        r = json.loads(out.stdout.strip().splitlines()[-1])
        self.assertEqual(sorted(s["value"] for s in r["seen"]),
                         sorted(f"platformatic-{i}" for i in range(60)))
        self.assertEqual(sorted((a["partition"], a["offset"]) for a in r["acked"]),
                         sorted((s["partition"], s["offset"]) for s in r["seen"]))
        self.assertEqual(r["committed"][topic], [30, 30])
        self.assertEqual(r["ends"][topic], [30, 30])
        self.assertIn(group, r["groups"])
        self.assertEqual(r["described"], [{"id": group, "state": "EMPTY"}])
        self.assertIn(["cleanup.policy", "delete"], r["configs"])
        offsets = r["groupOffsets"][0]["topics"][0]["partitions"]
        self.assertEqual([p["committedOffset"] for p in offsets], [30, 30])
        self.assertEqual(r["earliest"][0]["partitions"][0]["offset"], 2)  # DeleteRecords
        self.assertTrue(r["deleted"])

    def test_api_versions_unsupported_version_lists_supported_apis(self):
        # A raw ApiVersions v99 request: the answer is v0 (header v0) with error 35 and
        # the full API list, so a client can pick a version it finds there.
        body = struct.pack(">hhih", 18, 99, 4242, 3) + b"raw"
        with socket.create_connection(("127.0.0.1", self.broker.port), timeout=5) as s:
            s.sendall(struct.pack(">i", len(body)) + body)
            size = struct.unpack(">i", s.recv(4, socket.MSG_WAITALL))[0]
            resp = s.recv(size, socket.MSG_WAITALL)
        corr, err, n = struct.unpack(">ihi", resp[:10])
        self.assertEqual((corr, err), (4242, 35))
        apis = {struct.unpack(">hhh", resp[10 + 6 * i:16 + 6 * i])[0]: struct.unpack(">hhh", resp[10 + 6 * i:16 + 6 * i])[1:]
                for i in range(n)}
        self.assertEqual(apis[18], (0, 3))
        self.assertEqual(apis[0], (3, 9))
        self.assertEqual(apis[1], (4, 13))
        self.assertEqual(len(resp), 10 + 6 * n)  # v0 body: no throttle time

    def test_same_outcome_as_librdkafka_mock_cluster(self):
        # Differential check: the same produce against librdkafka's mock cluster and
        # against tributary broker gives the same metadata shape and offsets.
        from confluent_kafka import Producer
        from confluent_kafka.admin import AdminClient, NewTopic
        topic = harness.fresh_name("diff")
        results = []
        for target in ("mock", "broker"):
            if target == "mock":
                ctx = harness.MockKafka(topics={topic: 3})
                bootstrap = ctx.__enter__().bootstrap
            else:
                ctx = None
                bootstrap = self.b
                creator = AdminClient({"bootstrap.servers": bootstrap})
                creator.create_topics([NewTopic(topic, 3, 1)])[topic].result(10)
            try:
                offsets = []
                p = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True})
                for i in range(60):
                    p.produce(topic, value=str(i).encode(), partition=i % 3,
                              on_delivery=lambda err, m: offsets.append((m.partition(), m.offset(), err)))
                    if i % 10 == 9:
                        p.flush(10)
                p.flush(10)
                md = AdminClient({"bootstrap.servers": bootstrap}).list_topics(topic, timeout=10)
                t = md.topics[topic]
                shape = sorted((pid, len(pm.replicas) > 0, pm.leader >= 0) for pid, pm in t.partitions.items())
                results.append((sorted(offsets), shape))
            finally:
                if ctx:
                    ctx.__exit__(None, None, None)
        self.assertEqual(results[0], results[1])

    def test_group_assignment_same_as_librdkafka_mock_cluster(self):
        # Differential check of the consumer-group protocol: three confluent-kafka members
        # of one group, with the range and then the roundrobin assignor, end with the same
        # partition sets on librdkafka's mock cluster and on tributary broker (the leader
        # assigns, the coordinator must carry metadata and assignments faithfully); after
        # reading everything and committing, OffsetFetch gives the same offsets.
        from confluent_kafka import Producer
        from confluent_kafka.admin import AdminClient, NewTopic
        outcomes = {}
        for target in ("mock", "broker"):
            topic = harness.fresh_name("assign")
            ctx = harness.MockKafka(topics={topic: 6}) if target == "mock" else None
            try:
                if ctx:
                    bootstrap = ctx.__enter__().bootstrap
                else:
                    bootstrap = self.b
                    admin = AdminClient({"bootstrap.servers": bootstrap})
                    admin.create_topics([NewTopic(topic, 6, 1)])[topic].result(10)
                p = Producer({"bootstrap.servers": bootstrap})
                for i in range(24):
                    p.produce(topic, value=str(i).encode(), partition=i % 6)
                self.assertEqual(p.flush(10), 0)
                for strategy in ("range", "roundrobin"):
                    outcomes[(target, strategy)] = self.group_outcome(bootstrap, topic, strategy)
            finally:
                if ctx:
                    ctx.__exit__(None, None, None)
        for strategy in ("range", "roundrobin"):
            self.assertEqual(outcomes[("broker", strategy)], outcomes[("mock", strategy)], strategy)
        # And the outcome is the assignor's, not an accident: range gives neighbours.
        self.assertEqual(outcomes[("broker", "range")][0], [[0, 1], [2, 3], [4, 5]])
        self.assertEqual(outcomes[("broker", "roundrobin")][0], [[0, 3], [1, 4], [2, 5]])

    def group_outcome(self, bootstrap, topic, strategy):
        """Three members of a fresh group: (sorted partition sets once the group is
        stable, records read, committed offsets read back by a fourth client)."""
        from confluent_kafka import Consumer, TopicPartition
        group = harness.fresh_name(f"assign-{strategy}")
        conf = {"bootstrap.servers": bootstrap, "group.id": group,
                "auto.offset.reset": "earliest", "enable.auto.commit": False,
                "partition.assignment.strategy": strategy,
                "session.timeout.ms": 6000, "heartbeat.interval.ms": 200}
        members = [Consumer(conf) for _ in range(3)]
        read = {}
        try:
            for m in members:
                m.subscribe([topic])
            stable_since, deadline = None, time.monotonic() + 60
            while time.monotonic() < deadline:
                for m in members:
                    for msg in m.consume(num_messages=50, timeout=0.05):
                        if not msg.error():
                            read[(msg.partition(), msg.offset())] = msg.value()
                sets = [sorted(tp.partition for tp in m.assignment()) for m in members]
                done = all(sets) and sorted(p for s in sets for p in s) == list(range(6))
                if not done:
                    stable_since = None
                elif stable_since is None:
                    stable_since = time.monotonic()
                elif time.monotonic() - stable_since > 1.5 and len(read) == 24:
                    break
            sets = sorted(sorted(tp.partition for tp in m.assignment()) for m in members)
            for m in members:
                m.commit(asynchronous=False)
        finally:
            for m in members:
                m.close()
        reader = Consumer({"bootstrap.servers": bootstrap, "group.id": group})
        try:
            committed = reader.committed([TopicPartition(topic, p) for p in range(6)], timeout=10)
        finally:
            reader.close()
        return sets, len(read), {tp.partition: tp.offset for tp in committed}


if __name__ == "__main__":
    unittest.main()
