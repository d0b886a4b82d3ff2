"""Issue #11 acceptance: `tributary source` replays what the sink wrote.

- Round trip: kafka-python produces records with keys, headers and timestamps to three
  partitions → sink (JSON envelopes) → radosgw → source into a new topic → kafka-python
  (read_committed) finds the same records per partition, in the same order, with the same
  keys, headers and timestamps. The first source run is killed with SIGKILL mid-replay and
  restarted: no duplicates and no gaps.
- A Confluent connector layout (keys as that connector names them, bare JSON values, no
  Tributary metadata), written by boto3, replays in offset order whatever the listing
  order; a target with too few partitions is refused naming the topic and both counts.
"""
import json
import re
import os
import time
import unittest

import harness
import source_harness as sh

PARTITIONS = 3
N = 3000


def record(i):
    return {
        "partition": i % PARTITIONS,
        "key": None if i % 10 == 0 else f"key-{i}".encode(),
        "value": json.dumps({"id": i, "note": "é" * (i % 3)}).encode(),
        # (kafka-python cannot send a null header value; the unit tests cover those.)
        "headers": [] if i % 7 == 0 else [("trace", f"t{i}".encode()), ("n", b"")],
        "timestamp_ms": 1_700_000_000_000 + i * 1000,
    }


class SourceE2E(unittest.TestCase):
    def test_round_trip_envelopes_through_radosgw_with_kill9_and_resume(self):
        work = harness.temp_dir("source-rt")
        records = [record(i) for i in range(N)]
        with harness.MockKafka({"orders": PARTITIONS, "orders-copy": PARTITIONS}) as kafka, \
                harness.S3Bucket() as bucket:
            sh.produce(kafka.bootstrap, "orders", records)
            sink_cfg = {
                "name": "archive", "topics": "orders", "bootstrap.servers": kafka.bootstrap,
                "format.class": "JsonFormat", "store.envelope": "true", "flush.size": 100,
                "s3.compression.type": "gzip",
                "consumer.override.session.timeout.ms": 6000,
                **sh.s3_config(bucket.name),
            }
            with harness.Sink(sink_cfg, work) as sink:
                harness.wait_until(
                    lambda: len([k for k in bucket.keys("topics/orders/")]) == N // 100, 120,
                    "the sink's 30 objects", proc=sink.proc)
                sink.stop()

            # The source config is the sink's plus the target.
            source_cfg = dict(sink_cfg, **{"topic.mapping": "orders:orders-copy",
                                           "source.checkpoint.records": 150,
                                           "source.checkpoint.interval.ms": 200,
                                           "source.max.poll.records": 50})
            dry = sh.run_source(source_cfg, work, ["--dry-run"])
            self.assertEqual(dry.returncode, 0, dry.stderr)
            self.assertIn(f"total: {PARTITIONS} partitions, 30 objects, {N} records", dry.stdout)
            self.assertIn("orders-1 -> orders-copy-1: 10 objects, offsets 0..999, 1000 records",
                          dry.stdout)

            # Two throttled runs, each killed (SIGKILL) once a checkpoint has passed where
            # the previous one stood and the target holds records produced after it, so
            # that every restart has records to settle.
            slow = dict(source_cfg, **{"source.max.records.per.second": 1500})
            checkpoint_key = "_tributary/source/archive/checkpoint.json"

            def checkpoint():
                try:
                    body = bucket.client.get_object(Bucket=bucket.name,
                                                    Key=checkpoint_key)["Body"].read()
                except Exception:
                    return 0, {}
                cp = json.loads(body)
                return (sum(p["read"] for p in cp["positions"]),
                        {t["partition"]: t["end"] for t in cp["targets"]})

            def ready_to_kill(past):
                read, ends = checkpoint()
                produced_after = (sh.end_offsets(kafka.bootstrap, "orders-copy", PARTITIONS) -
                                  sum(ends.values()))
                return read >= past and produced_after > 30

            past_runs = []
            for run, past in ((1, 300), (2, 1200)):
                proc = sh.start_source(slow, work, f"source-{run}")
                harness.wait_until(
                    lambda: ready_to_kill(past),
                    60, f"run {run}: records produced past a checkpoint", proc=proc,
                    interval=0.02)
                sh.kill9(proc)
                time.sleep(0.5)  # requests already sent reach the broker
                # What the next run must skip: the records visible after the checkpoint.
                _, ends = checkpoint()
                visible = sh.read_partitions(kafka.bootstrap, "orders-copy", PARTITIONS, ends)
                past_runs.append(sum(len(v) for v in visible.values()))
                if run == 2:
                    with open(os.path.join(work, "source-2.log")) as f:
                        log = f.read()
                    settled = re.findall(r"holds (\d+) records produced after the checkpoint", log)
                    self.assertEqual(sum(map(int, settled)), past_runs[0])
                partial = sh.read_partitions(kafka.bootstrap, "orders-copy", PARTITIONS)
                self.assertLess(sum(len(v) for v in partial.values()), N, "killed too late")
            self.assertGreater(sum(past_runs), 0, "no kill left records past a checkpoint")

            again = sh.run_source(source_cfg, work)
            self.assertEqual(again.returncode, 0, again.stdout + again.stderr)
            print(f"past checkpoints at the kills: {past_runs}; restart: {again.stdout.strip()}")
            produced, settled = map(int, re.search(
                r"source: (\d+) records produced \((\d+) already in the target",
                again.stdout).groups())
            self.assertGreater(produced, 0)
            self.assertEqual(settled, past_runs[-1], "the restart settled other records")
            self.assertLess(produced, N)
            self.assertIn("records/s", again.stderr)  # the progress line

            got = sh.read_partitions(kafka.bootstrap, "orders-copy", PARTITIONS)
            for p in range(PARTITIONS):
                want = [(r["key"], r["value"], [(h, v) for h, v in r["headers"]], r["timestamp_ms"])
                        for r in records if r["partition"] == p]
                have = [(k, v, [(h, hv) for h, hv in hs], ts) for k, v, hs, ts in got[p]]
                self.assertEqual(len(have), len(want), f"partition {p}: duplicates or gaps")
                self.assertEqual(have, want, f"partition {p}: records differ")

            # A third run finds nothing left to do and produces nothing.
            third = sh.run_source(source_cfg, work)
            self.assertEqual(third.returncode, 0, third.stderr)
            self.assertIn("source: 0 records produced", third.stdout)
        harness.remove_tree(work)

    def test_round_trip_parquet_envelopes_through_radosgw(self):
        """store.envelope=true with ParquetFormat (schema inferred): the sink writes the
        columnar envelope (key, value, headers, metadata with the timestamp) to radosgw;
        the source restores the same records per partition, in order, with the same keys,
        headers and timestamps. DuckDB reads the files as nested columns."""
        work = harness.temp_dir("source-pq-env")
        partitions, n = 3, 600
        records = [record(i) for i in range(n)]
        with harness.MockKafka({"pqe": partitions, "pqe-copy": partitions}) as kafka, \
                harness.S3Bucket() as bucket:
            sh.produce(kafka.bootstrap, "pqe", records)
            sink_cfg = {
                "name": "pq-archive", "topics": "pqe", "bootstrap.servers": kafka.bootstrap,
                "format.class": "io.confluent.connect.s3.format.parquet.ParquetFormat",
                "schema.inference": "true", "store.envelope": "true", "flush.size": 100,
                "key.converter": "org.apache.kafka.connect.storage.StringConverter",
                "consumer.override.session.timeout.ms": 6000,
                **sh.s3_config(bucket.name),
            }
            with harness.Sink(sink_cfg, work) as sink:
                harness.wait_until(
                    lambda: len([k for k in bucket.keys("topics/pqe/")]) == n // 100, 120,
                    "the sink's 6 Parquet objects", proc=sink.proc)
                sink.stop()
            out = sh.run_source(dict(sink_cfg, **{"name": "pq-replay",
                                                  "topic.mapping": "pqe:pqe-copy"}), work)
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
            self.assertIn(f"source: {n} records produced", out.stdout)
            got = sh.read_partitions(kafka.bootstrap, "pqe-copy", partitions)
            for p in range(partitions):
                want = [(r["key"], json.loads(r["value"]), r["headers"], r["timestamp_ms"])
                        for r in records if r["partition"] == p]
                have = [(k, json.loads(v), hs, ts) for k, v, hs, ts in got[p]]
                self.assertEqual(have, want, f"partition {p}: records differ")

            # An independent reader: DuckDB sees the value's fields, the offset, the
            # timestamp as a TIMESTAMP, the key's bytes and the headers list.
            key = sorted(k for k in bucket.keys("topics/pqe/partition=1/"))[0]
            local = os.path.join(work, "one.parquet")
            bucket.client.download_file(bucket.name, key, local)
            rows = harness.duckdb(
                "SELECT value.id AS id, metadata.\"offset\" AS o, "
                "epoch_ms(metadata.\"timestamp\") AS ts, decode(key) AS k, "
                f"len(headers) AS nh FROM read_parquet('{local}') ORDER BY o")
            want = [r for r in records if r["partition"] == 1][:100]
            self.assertEqual([(int(r["id"]), int(r["o"]), int(r["ts"]), r["k"], int(r["nh"]))
                              for r in rows],
                             [(json.loads(r["value"])["id"], o, r["timestamp_ms"],
                               r["key"].decode() if r["key"] is not None else None,
                               len(r["headers"])) for o, r in enumerate(want)])
        harness.remove_tree(work)

    def test_confluent_layout_bare_values_in_offset_order(self):
        work = harness.temp_dir("source-confluent")
        with harness.MockKafka({"legacy": 2, "legacy-copy": 2, "legacy-filtered": 2,
                                "narrow": 1}) as kafka, \
                harness.S3Bucket() as bucket:
            # As the Confluent S3 sink names objects: <dir>/<topic>/partition=<p>/
            # <topic>+<p>+<start offset, 10 digits>.json, one JSON value per line.
            # Start offsets chosen so that listing order (lexicographic) is not offset order.
            expected = {0: [], 1: []}
            for p in range(2):
                for start in (0, 7, 20, 100):
                    values = [json.dumps({"p": p, "o": start + i}) for i in range(5)]
                    expected[p] += values
                    bucket.client.put_object(
                        Bucket=bucket.name,
                        Key=f"confluent/legacy/partition={p}/legacy+{p}+{start:010d}.json",
                        Body=("\n".join(values) + "\n").encode())
                    if p == 0:
                        # store.kafka.keys: the key side file, one JSON key per record
                        # (StringConverter keys as JSON strings; the second record's null).
                        keys = [json.dumps(None if i == 1 else f"k-{start + i}")
                                for i in range(5)]
                        bucket.client.put_object(
                            Bucket=bucket.name,
                            Key=f"confluent/legacy/partition=0/legacy+0+{start:010d}.keys.json",
                            Body=("\n".join(keys) + "\n").encode())
            # An object that overlaps another (as a connector writes after a rebalance with
            # other boundaries): offsets 2..4 again, then 5 and 6, which no other has.
            bucket.client.put_object(
                Bucket=bucket.name, Key="confluent/legacy/partition=1/legacy+1+0000000002.json",
                Body=("\n".join(json.dumps({"p": 1, "o": o}) for o in range(2, 7)) + "\n").encode())
            expected[1] = expected[1][:5] + [json.dumps({"p": 1, "o": o}) for o in (5, 6)] + \
                expected[1][5:]
            # A foreign object under the prefix is not a data object of the layout.
            bucket.client.put_object(Bucket=bucket.name, Key="confluent/legacy/notes.txt",
                                     Body=b"x")
            config = {
                "name": "legacy-replay", "topics": "legacy", "topics.dir": "confluent",
                "bootstrap.servers": kafka.bootstrap,
                "format.class": "io.confluent.connect.s3.format.json.JsonFormat",
                "topic.mapping": "legacy:legacy-copy",
                **sh.s3_config(bucket.name),
            }
            # Without Tributary's metadata the dry run reads the objects to count them.
            dry = sh.run_source(config, work, ["--dry-run"])
            self.assertEqual(dry.returncode, 0, dry.stderr)
            self.assertIn("legacy-1 -> legacy-copy-1: 5 objects, offsets 0..104, 25 records",
                          dry.stdout)
            out = sh.run_source(config, work)
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
            self.assertIn("3 duplicate offsets skipped", out.stdout)
            got = sh.read_partitions(kafka.bootstrap, "legacy-copy", 2)
            for p in range(2):
                self.assertEqual([v.decode() for _, v, _, _ in got[p]], expected[p])
            self.assertEqual([k for k, _, _, _ in got[0]],
                             [None if i == 1 else f"k-{s + i}".encode()
                              for s in (0, 7, 20, 100) for i in range(5)])
            self.assertTrue(all(k is None for k, _, _, _ in got[1]))

            # Filters, without transactions (as for `tributary broker`): partition 0's
            # objects only, offsets 5..24 of the ones that exist (0-4, 7-11, 20-24, 100-104).
            # Throttled to 5 records/s: the 10 records take about 2 s.
            started = time.monotonic()
            filtered = sh.run_source(dict(config, **{
                "name": "legacy-filtered", "topic.mapping": "legacy:legacy-filtered",
                "source.transactions": "false", "source.offset.from": 5,
                "source.offset.to": 24, "source.object.pattern": "partition=0/",
                "source.max.records.per.second": 5}), work)
            self.assertEqual(filtered.returncode, 0, filtered.stdout + filtered.stderr)
            self.assertGreater(time.monotonic() - started, 1.7)
            self.assertIn("10 records produced (0 already in the target, 10 filtered",
                          filtered.stdout)
            got = sh.read_partitions(kafka.bootstrap, "legacy-filtered", 2)
            self.assertEqual([json.loads(v)["o"] for _, v, _, _ in got[0]],
                             list(range(7, 12)) + list(range(20, 25)))
            self.assertEqual(got[1], [])

            # Key hashing fits any partition count: keyless records go to their original
            # partition modulo the target's count (1 here).
            hashed = sh.run_source(dict(config, **{"name": "legacy-hashed",
                                                   "topic.mapping": "legacy:narrow",
                                                   "source.partitioning": "key_hash"}), work)
            self.assertEqual(hashed.returncode, 0, hashed.stdout + hashed.stderr)
            got = sh.read_partitions(kafka.bootstrap, "narrow", 1)
            self.assertEqual(sorted(v.decode() for _, v, _, _ in got[0]),
                             sorted(expected[0] + expected[1]))

            narrow = sh.run_source(dict(config, **{"topic.mapping": "legacy:narrow",
                                                   "name": "narrow"}), work)
            self.assertEqual(narrow.returncode, 2, narrow.stderr)
            self.assertIn("target topic narrow has 1 partitions", narrow.stderr)
            self.assertIn("partition 1", narrow.stderr)
        harness.remove_tree(work)

    def test_parquet_archive_with_key_and_header_side_files_replays_in_order(self):
        """A Parquet archive (schema inferred) with Avro key and JSON header side files,
        written by the sink to the local store, replays through the columnar readers: per
        partition the same JSON values in the same order, with their keys and headers."""
        import exactly_once_harness as eo
        work = harness.temp_dir("source-parquet")
        root = os.path.join(work, "store")
        per_partition, partitions = 300, 2
        records = [{"partition": i % partitions, "key": f"k{i}".encode(),
                    "value": json.dumps({"id": i, "name": f"n{i}", "price": i * 0.5,
                                         "tags": ["a", "b"][: i % 3]}).encode(),
                    "headers": [("trace", f"t{i}".encode()), ("n", str(i % 3).encode())],
                    "timestamp_ms": 1_700_000_000_000 + i}
                   for i in range(per_partition * partitions)]
        with harness.MockKafka({"pq": partitions, "pq-copy": partitions}) as kafka:
            sh.produce(kafka.bootstrap, "pq", records)
            sink = eo.sink_config(kafka, "pq", root, "pq-sink", **{
                "format.class": "io.confluent.connect.s3.format.parquet.ParquetFormat",
                "schema.inference": "true", "flush.size": 100,
                # Keys in Avro side files (the connector's default), headers in JSON ones.
                "store.kafka.keys": "true", "store.kafka.headers": "true",
                "headers.format.class": "io.confluent.connect.s3.format.json.JsonFormat",
                "key.converter": "org.apache.kafka.connect.storage.StringConverter"})
            with harness.Sink(sink, work) as s:
                eo.wait_committed(root, "pq-sink", "pq", [per_partition] * partitions, s.proc)
                self.assertEqual(s.stop(), 0)
            out = sh.run_source(dict(sink, **{"name": "pq-source",
                                              "topic.mapping": "pq:pq-copy"}), work)
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
            got = sh.read_partitions(kafka.bootstrap, "pq-copy", partitions)
        for p in range(partitions):
            want = [r for r in records if r["partition"] == p]
            self.assertEqual([json.loads(v) for _, v, _, _ in got[p]],
                             [json.loads(r["value"]) for r in want])
            self.assertEqual([k for k, _, _, _ in got[p]], [r["key"] for r in want])
            self.assertEqual([h for _, _, h, _ in got[p]], [r["headers"] for r in want])
        harness.remove_tree(work)

    def test_avro_envelope_read_by_python_avro_and_replayed(self):
        """store.envelope=true with AvroFormat: python3-avro reads the envelope (bytes key,
        nested value, headers list, timestamp-millis), and the source replays it with the
        same keys, headers and timestamps."""
        import exactly_once_harness as eo
        import avro.datafile
        import avro.io
        work = harness.temp_dir("source-avro-env")
        root = os.path.join(work, "store")
        n = 50
        records = [{"partition": 0, "key": None if i == 3 else f"k{i}".encode(),
                    "value": json.dumps({"id": i, "name": f"n{i}"}).encode(),
                    "headers": [("h", str(i).encode()), ("h", b"\xff")],
                    "timestamp_ms": 1_700_000_000_000 + i} for i in range(n)]
        with harness.MockKafka({"ae": 1, "ae-copy": 1}) as kafka:
            sh.produce(kafka.bootstrap, "ae", records)
            sink = eo.sink_config(kafka, "ae", root, "ae-sink", **{
                "format.class": "io.confluent.connect.s3.format.avro.AvroFormat",
                "schema.inference": "true", "store.envelope": "true", "flush.size": 25,
                "key.converter": "org.apache.kafka.connect.converters.ByteArrayConverter"})
            with harness.Sink(sink, work) as s:
                eo.wait_committed(root, "ae-sink", "ae", [n], s.proc)
                self.assertEqual(s.stop(), 0)
            files = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs
                           if f.endswith(".avro"))
            self.assertEqual(len(files), 2, files)
            with open(files[0], "rb") as f:
                rows = list(avro.datafile.DataFileReader(f, avro.io.DatumReader()))
            self.assertEqual([(r["key"], r["value"]["id"], r["metadata"]["offset"],
                               [(h["name"], h["value"]) for h in r["headers"]])
                              for r in rows],
                             [(rec["key"], i, i, rec["headers"])
                              for i, rec in enumerate(records[:25])])
            self.assertEqual(int(rows[1]["metadata"]["timestamp"].timestamp() * 1000),
                             records[1]["timestamp_ms"])
            out = sh.run_source(dict(sink, **{"name": "ae-source",
                                              "topic.mapping": "ae:ae-copy"}), work)
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
            got = sh.read_partitions(kafka.bootstrap, "ae-copy", 1)[0]
        self.assertEqual([(k, json.loads(v), h, t) for k, v, h, t in got],
                         [(r["key"], json.loads(r["value"]), r["headers"], r["timestamp_ms"])
                          for r in records])
        harness.remove_tree(work)

    def test_bytearray_key_side_files(self):
        """keys.format.class=ByteArrayFormat: the sink writes `<base>.keys.bin.gz` (raw keys,
        each followed by format.bytearray.separator); the source pairs them with the
        data objects' records again."""
        import exactly_once_harness as eo
        work = harness.temp_dir("source-binkeys")
        root = os.path.join(work, "store")
        n = 75  # three objects of flush.size 25
        records = [{"partition": 0, "key": b"\xff\x01bin-%d" % i,
                    "value": json.dumps({"id": i}).encode(), "headers": [],
                    "timestamp_ms": 1_700_000_000_000 + i} for i in range(n)]
        with harness.MockKafka({"bk": 1, "bk-copy": 1}) as kafka:
            sh.produce(kafka.bootstrap, "bk", records)
            sink = eo.sink_config(kafka, "bk", root, "bk-sink", **{
                "flush.size": 25, "s3.compression.type": "gzip",
                "store.kafka.keys": "true",
                "keys.format.class": "io.confluent.connect.s3.format.bytearray.ByteArrayFormat",
                "format.bytearray.separator": "|#|",
                "key.converter": "org.apache.kafka.connect.converters.ByteArrayConverter"})
            with harness.Sink(sink, work) as s:
                eo.wait_committed(root, "bk-sink", "bk", [n], s.proc)
                self.assertEqual(s.stop(), 0)
            key_files = [f for _, _, fs in os.walk(root) for f in fs if ".keys.bin" in f]
            self.assertEqual(len(key_files), 3, key_files)
            out = sh.run_source(dict(sink, **{"name": "bk-source",
                                              "topic.mapping": "bk:bk-copy"}), work)
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
            got = sh.read_partitions(kafka.bootstrap, "bk-copy", 1)
        self.assertEqual([(k, json.loads(v)) for k, v, _, _ in got[0]],
                         [(r["key"], json.loads(r["value"])) for r in records])
        harness.remove_tree(work)

    def test_interleaved_objects_merge_by_offset_and_resume_after_kill9(self):
        """A FieldPartitioner writes several objects per partition at once, so their offset
        ranges interleave. With envelopes the source merges them by offset: the copy holds
        the partition in offset order, also across a kill -9 and a restart. Bare values of
        such a layout carry no offsets: the source refuses them, naming the objects."""
        import exactly_once_harness as eo
        work = harness.temp_dir("source-merge")
        root = os.path.join(work, "store")
        n = 300
        regions = ["eu", "us", "ap"]
        records = [{"partition": 0, "key": f"k{i}".encode(),
                    "value": json.dumps({"id": i, "region": regions[(i // 2) % 3]}).encode(),
                    "headers": [("i", str(i).encode())],
                    "timestamp_ms": 1_700_000_000_000 + i} for i in range(n)]
        with harness.MockKafka({"fp": 1, "fp-copy": 1, "fp-bare": 1, "fp-eu": 1}) as kafka:
            sh.produce(kafka.bootstrap, "fp", records)
            sink = eo.sink_config(kafka, "fp", root, "fp-sink", **{
                "partitioner.class": "FieldPartitioner", "partition.field.name": "region",
                "store.envelope": "true", "flush.size": 10,
                "key.converter": "org.apache.kafka.connect.storage.StringConverter"})
            with harness.Sink(sink, work) as s:
                eo.wait_committed(root, "fp-sink", "fp", [n], s.proc)
                self.assertEqual(s.stop(), 0)
            source = dict(sink, **{"name": "fp-source", "topic.mapping": "fp:fp-copy",
                                   "source.checkpoint.records": 20,
                                   "source.checkpoint.interval.ms": 100,
                                   "source.max.poll.records": 10})
            cp_path = os.path.join(root, "lake", "_tributary", "source", "fp-source",
                                   "checkpoint.json")

            def ready_to_kill():
                # Past 100 records, with records produced after the checkpoint (to settle).
                try:
                    with open(cp_path) as f:
                        cp = json.load(f)
                except (OSError, ValueError):
                    return False
                read = sum(p["read"] for p in cp["positions"])
                end = sum(t["end"] for t in cp["targets"])
                return read >= 100 and sh.end_offsets(kafka.bootstrap, "fp-copy", 1) > end + 3
            proc = sh.start_source(dict(source, **{"source.max.records.per.second": 150}),
                                   work, "fp-source-1")
            harness.wait_until(ready_to_kill, 60, "a checkpoint past 100 records", proc=proc,
                               interval=0.02)
            sh.kill9(proc)
            time.sleep(0.5)  # requests already sent reach the broker
            partial = sh.read_partitions(kafka.bootstrap, "fp-copy", 1)[0]
            self.assertLess(len(partial), n, "killed too late")
            out = sh.run_source(source, work)
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
            # The objects did interleave: some object's offsets lie inside another's range.
            ranges = []
            for d, _, files in os.walk(os.path.join(root, "lake", "topics", "fp")):
                for f in files:
                    with open(os.path.join(d, f)) as fh:
                        offs = [json.loads(line)["metadata"]["offset"] for line in fh]
                    ranges.append((min(offs), max(offs)))
            self.assertTrue(any(a[0] < b[0] <= a[1] for a in ranges for b in ranges), ranges)
            print(f"merge: {len(partial)} records before the kill; restart: {out.stdout.strip()}")
            self.assertNotIn("(0 already in the target", out.stdout)
            got = sh.read_partitions(kafka.bootstrap, "fp-copy", 1)[0]
            self.assertEqual([(k, json.loads(v), hs, ts) for k, v, hs, ts in got],
                             [(r["key"], json.loads(r["value"]), r["headers"], r["timestamp_ms"])
                              for r in records])

            # The same layout as bare values: offsets unknown, refused.
            bare = dict(sink, **{"name": "fp-bare-sink", "store.envelope": "false",
                                 "topics.dir": "bare"})
            with harness.Sink(bare, work) as s:
                eo.wait_committed(root, "fp-bare-sink", "fp", [n], s.proc)
                self.assertEqual(s.stop(), 0)
            refused = sh.run_source(dict(bare, **{"name": "fp-bare-source",
                                                  "topic.mapping": "fp:fp-bare"}), work)
            self.assertNotEqual(refused.returncode, 0, refused.stdout)
            self.assertIn("overlap", refused.stderr)
            self.assertIn("store.envelope=true", refused.stderr)
            # One region's objects do not overlap each other: they replay in order, but
            # their offsets have gaps, so an offset filter is refused.
            eu = dict(bare, **{"name": "fp-eu", "topic.mapping": "fp:fp-eu",
                               "source.object.pattern": "region=eu/"})
            filtered = sh.run_source(dict(eu, **{"source.offset.from": 5}), work)
            self.assertNotEqual(filtered.returncode, 0, filtered.stdout)
            self.assertIn("source.offset.from/source.offset.to need each record's offset",
                          filtered.stderr)
            ok = sh.run_source(eu, work)
            self.assertEqual(ok.returncode, 0, ok.stdout + ok.stderr)
            got = sh.read_partitions(kafka.bootstrap, "fp-eu", 1)[0]
            self.assertEqual([json.loads(v)["id"] for _, v, _, _ in got],
                             [i for i in range(n) if (i // 2) % 3 == 0])
        harness.remove_tree(work)

    def test_aiven_layout_round_trip(self):
        """Objects named by Aiven's file.name.template with records shaped by
        format.output.fields (key, value, offset, timestamp, headers), written by the
        sink in Aiven's dialect, replay with keys, headers and timestamps."""
        import exactly_once_harness as eo
        work = harness.temp_dir("source-aiven")
        root = os.path.join(work, "store")
        partitions, n = 2, 240  # 120 per partition: three files of file.max.records
        records = [{"partition": i % partitions, "key": f"k{i}".encode(),
                    "value": json.dumps({"id": i}).encode(),
                    "headers": [("trace", f"t{i}".encode())],
                    "timestamp_ms": 1_700_000_000_000 + i * 10}
                   for i in range(n)]
        with harness.MockKafka({"av": partitions, "av-copy": partitions}) as kafka:
            sh.produce(kafka.bootstrap, "av", records)
            sink = eo.sink_config(kafka, "av", root, "av-sink", **{
                "file.name.template": "{{topic}}/{{partition:padding=true}}-"
                                      "{{start_offset:padding=true}}.jsonl.gz",
                "format.output.type": "jsonl",
                "format.output.fields": "key,value,offset,timestamp,headers",
                "format.output.fields.value.encoding": "none",
                "file.max.records": "40"})
            sink.pop("format.class")
            with harness.Sink(sink, work) as s:
                eo.wait_committed(root, "av-sink", "av", [n // partitions] * partitions,
                                  s.proc)
                self.assertEqual(s.stop(), 0)
            out = sh.run_source(dict(sink, **{"name": "av-source",
                                              "topic.mapping": "av:av-copy"}), work)
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
            got = sh.read_partitions(kafka.bootstrap, "av-copy", partitions)
        for p in range(partitions):
            want = [r for r in records if r["partition"] == p]
            self.assertEqual([(k, json.loads(v), h, t) for k, v, h, t in got[p]],
                             [(r["key"], json.loads(r["value"]), r["headers"],
                               r["timestamp_ms"]) for r in want])
        harness.remove_tree(work)

    def test_last_modified_ordering_on_the_local_store(self):
        """source.ordering=last_modified follows the objects' modification times, for
        objects whose names' offsets cannot be trusted (written by other tools)."""
        work = harness.temp_dir("source-lastmod")
        root = os.path.join(work, "store")
        part = os.path.join(root, "lake", "topics", "foreign", "partition=0")
        os.makedirs(part)
        order = [(30, "third"), (10, "first"), (20, "second")]  # (start offset, label)
        for i, (start, label) in enumerate(order):
            path = os.path.join(part, f"foreign+0+{start:010d}.json")
            with open(path, "w") as f:
                f.write(json.dumps({"label": label}) + "\n")
            os.utime(path, (1_700_000_000 + i * 60, 1_700_000_000 + i * 60))
        with harness.MockKafka({"foreign": 1, "by-offset": 1, "by-time": 1}) as kafka:
            config = {"name": "foreign", "topics": "foreign", "bootstrap.servers": kafka.bootstrap,
                      "format.class": "JsonFormat", "store.url": f"file://{root}",
                      "s3.bucket.name": "lake"}
            for topic, ordering in (("by-offset", "offset"), ("by-time", "last_modified")):
                out = sh.run_source(dict(config, **{"name": topic,
                                                    "topic.mapping": f"foreign:{topic}",
                                                    "source.ordering": ordering}), work)
                self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
            labels = lambda topic: [json.loads(v)["label"] for _, v, _, _ in
                                    sh.read_partitions(kafka.bootstrap, topic, 1)[0]]
            self.assertEqual(labels("by-offset"), ["first", "second", "third"])
            self.assertEqual(labels("by-time"), ["third", "first", "second"])
        harness.remove_tree(work)

    def test_into_tributary_broker_without_transactions(self):
        """`tributary broker` has no transactions: with source.transactions=false the
        idempotent producer and the checkpoint still replay everything once."""
        import broker_harness
        work = harness.temp_dir("source-broker")
        root = os.path.join(work, "store")
        part = os.path.join(root, "lake", "topics", "t", "partition=1")
        os.makedirs(part)
        values = [json.dumps({"n": i}) for i in range(50)]
        for start in range(0, 50, 10):
            with open(os.path.join(part, f"t+1+{start:010d}.json"), "w") as f:
                f.write("\n".join(values[start:start + 10]) + "\n")
        with broker_harness.Broker() as broker:
            from confluent_kafka.admin import AdminClient, NewTopic
            admin = AdminClient({"bootstrap.servers": broker.bootstrap})
            admin.create_topics([NewTopic("t-copy", 2, 1)])["t-copy"].result(10)
            config = {"name": "to-broker", "topics": "t", "bootstrap.servers": broker.bootstrap,
                      "format.class": "JsonFormat", "store.url": f"file://{root}",
                      "s3.bucket.name": "lake", "topic.mapping": "t:t-copy"}
            out = sh.run_source(dict(config, **{"source.transactions": "false"}), work)
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
            got = sh.read_partitions(broker.bootstrap, "t-copy", 2)
            self.assertEqual([v.decode() for _, v, _, _ in got[1]], values)
            self.assertEqual(got[0], [])
        harness.remove_tree(work)


if __name__ == "__main__":
    unittest.main()
