"""A wrong config is rejected before anything starts, with a message naming the key and
what is expected, and secrets never appear in the output."""
import os
import subprocess
import unittest

import harness

VALID = {
    "name": "orders-to-s3",
    "topics": "orders",
    "bootstrap.servers": "127.0.0.1:1",  # nothing listens: nothing may be contacted
    "format.class": "io.confluent.connect.s3.format.json.JsonFormat",
    "flush.size": "1000",
    "s3.bucket.name": "lake",
    "store.url": "file:///nonexistent-tributary-root/should-not-be-created",
    "aws.access.key.id": "AKIAEXAMPLE",
    "aws.secret.access.key": "TOPSECRET-DO-NOT-PRINT",
}


class ConfigErrorsTest(unittest.TestCase):
    def run_sink(self, config, text=None):
        workdir = harness.temp_dir("config-errors")
        path = os.path.join(workdir, "sink.properties")
        if text is None:
            harness.write_properties(path, config)
        else:
            with open(path, "w") as f:
                f.write(text)
        out = subprocess.run([harness.env_path("TRIBUTARY_BIN"), "sink", "-c", path],
                             capture_output=True, text=True, timeout=30)
        harness.remove_tree(workdir)
        self.assertNotIn("TOPSECRET", out.stdout + out.stderr)
        self.assertFalse(os.path.exists("/nonexistent-tributary-root"))
        return out

    def assert_rejected(self, config, *fragments):
        out = self.run_sink(config)
        self.assertEqual(out.returncode, 2, out.stderr)
        for fragment in fragments:
            self.assertIn(fragment, out.stderr)

    def test_missing_bucket(self):
        config = dict(VALID)
        del config["s3.bucket.name"]
        self.assert_rejected(config, "s3.bucket.name: required")

    def test_unknown_format_class(self):
        self.assert_rejected(dict(VALID, **{"format.class": "com.example.XmlFormat"}),
                             "format.class: expected one of",
                             "io.confluent.connect.s3.format.json.JsonFormat",
                             "got 'com.example.XmlFormat'")

    def test_flush_size_not_positive(self):
        for bad in ("0", "-5", "ten"):
            self.assert_rejected(dict(VALID, **{"flush.size": bad}), "flush.size: expected an integer",
                                 f"got '{bad}'")

    def test_every_problem_reported_at_once(self):
        config = dict(VALID, **{"flush.size": "0", "format.class": "nope"})
        del config["topics"]
        out = self.run_sink(config)
        self.assertEqual(out.returncode, 2)
        # A missing `topics` is the cross-key rule: exactly one of topics, topics.regex.
        for problem in ("flush.size:", "format.class:", "topics and topics.regex:"):
            self.assertIn(problem, out.stderr)

    def test_unreadable_file_and_bad_json(self):
        out = subprocess.run([harness.env_path("TRIBUTARY_BIN"), "sink", "-c", "/no/such/file"],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 2)
        self.assertIn("/no/such/file", out.stderr)
        out = self.run_sink(None, text='{"name": "x", "config": {')
        self.assertEqual(out.returncode, 2)
        self.assertIn("not valid JSON", out.stderr)

    def test_connect_json_form_is_accepted_by_validate(self):
        workdir = harness.temp_dir("config-json")
        path = os.path.join(workdir, "sink.json")
        config = {k: v for k, v in VALID.items() if k != "name"}
        import json
        with open(path, "w") as f:
            json.dump({"name": "orders-to-s3", "config": config}, f)
        out = subprocess.run([harness.env_path("TRIBUTARY_BIN"), "config", "--validate", "-c", path],
                             capture_output=True, text=True, timeout=30)
        harness.remove_tree(workdir)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("aws.secret.access.key = [hidden]", out.stdout)
        self.assertIn("flush.size = 1000", out.stdout)
        self.assertNotIn("TOPSECRET", out.stdout + out.stderr)


if __name__ == "__main__":
    unittest.main()
