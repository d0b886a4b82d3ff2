"""Formats and codecs end to end against the local store: gzip-compressed JSON read by
the gzip CLI and DuckDB, and Confluent's ByteArrayFormat checked byte for byte."""
import gzip
import json
import os
import subprocess
import unittest

import harness

PARTITIONS = 2


class SinkFormatsTest(unittest.TestCase):
    def run_sink(self, extra, values, flush_size):
        topic = harness.fresh_name("fmt")
        root = harness.temp_dir("formats")
        workdir = harness.temp_dir("formats-run")
        with harness.MockKafka(topics={topic: PARTITIONS}) as kafka:
            harness.produce_with_kafka_python(kafka.bootstrap, topic, range(len(values)),
                                              PARTITIONS, lambda i: values[i])
            config = {"name": harness.fresh_name("sink"), "topics": topic,
                      "bootstrap.servers": kafka.bootstrap, "flush.size": flush_size,
                      "store.url": f"file://{root}", "s3.bucket.name": "lake", **extra}
            want = len(values) // flush_size
            base = os.path.join(root, "lake", "topics", topic)

            def files():
                return sorted(os.path.join(d, f) for d, _, fs in os.walk(base) for f in fs)

            with harness.Sink(config, workdir) as sink:
                harness.wait_until(lambda: len(files()) >= want, 120, f"{want} objects",
                                   proc=sink.proc)
                self.assertEqual(sink.stop(), 0, sink.log_text())
        harness.remove_tree(workdir)
        self.addCleanup(harness.remove_tree, root)
        return topic, base, files()

    def test_gzip_json_lines(self):
        values = [json.dumps({"id": i, "s": "x" * (i % 50)}).encode() for i in range(1000)]
        topic, base, files = self.run_sink(
            {"format.class": "io.confluent.connect.s3.format.json.JsonFormat",
             "s3.compression.type": "gzip", "s3.compression.level": "6"}, values, 100)
        self.assertEqual(len(files), 10)
        for f in files:
            self.assertTrue(f.endswith(".json.gz"), f)
            subprocess.run(["gzip", "-t", f], check=True)
        self.assertTrue(os.path.exists(os.path.join(
            base, "partition=1", f"{topic}+1+0000000100.json.gz")))
        rows = harness.duckdb(f"SELECT count(*) AS n, count(DISTINCT id) AS ids "
                              f"FROM read_json_auto('{base}/*/*.json.gz')")
        self.assertEqual((int(rows[0]["n"]), int(rows[0]["ids"])), (1000, 1000))

    def test_bytearray_with_separator_and_extension(self):
        values = [f"line {i}\twith tab".encode() for i in range(40)]
        topic, base, files = self.run_sink(
            {"format.class": "io.confluent.connect.s3.format.bytearray.ByteArrayFormat",
             "format.bytearray.separator": "\\r\\n", "format.bytearray.extension": ".txt"},
            values, 10)
        self.assertEqual(len(files), 4)
        first = os.path.join(base, "partition=0", f"{topic}+0+0000000000.txt")
        with open(first, "rb") as f:
            # Record i went to partition i % 2 at offset i // 2.
            self.assertEqual(f.read(), b"".join(values[2 * k] + b"\r\n" for k in range(10)))

    def test_zstd_bytes_read_by_zstd_cli(self):
        values = [os.urandom(64) for _ in range(20)]
        _, _, files = self.run_sink(
            {"format.class": "ByteArrayFormat", "format.bytearray.separator": "",
             "s3.compression.type": "zstd"}, values, 10)
        self.assertEqual(len(files), 2)
        for f in files:
            self.assertTrue(f.endswith(".bin.zst"), f)
            out = subprocess.run(["zstd", "-dc", f], check=True, capture_output=True).stdout
            self.assertEqual(len(out), 10 * 64)

    def test_bad_compression_settings_are_rejected_before_start(self):
        workdir = harness.temp_dir("formats-bad")
        path = os.path.join(workdir, "sink.properties")
        harness.write_properties(path, {
            "name": "x", "topics": "t", "bootstrap.servers": "127.0.0.1:1",
            "format.class": "JsonFormat", "flush.size": 1, "s3.bucket.name": "b",
            "store.url": f"file://{workdir}/root", "s3.compression.type": "gzip",
            "s3.compression.level": "15"})
        out = subprocess.run([harness.env_path("TRIBUTARY_BIN"), "sink", "-c", path],
                             capture_output=True, text=True, timeout=30)
        harness.remove_tree(workdir)
        self.assertEqual(out.returncode, 2)
        self.assertIn("s3.compression.level", out.stderr)


if __name__ == "__main__":
    unittest.main()
