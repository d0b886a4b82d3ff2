"""Transform configurations are checked before anything starts: a wrong chain stops
`tributary sink` with every bad key named, and options nothing reads are reported."""
import os
import subprocess
import unittest

import harness

VALID = {
    "name": "orders-to-s3",
    "topics": "orders",
    "bootstrap.servers": "127.0.0.1:1",  # nothing listens: nothing may be contacted
    "format.class": "JsonFormat",
    "flush.size": "10",
    "s3.bucket.name": "lake",
    "store.url": "file:///nonexistent-tributary-root/should-not-be-created",
}


class TransformConfigTest(unittest.TestCase):
    def run_tributary(self, args, config):
        workdir = harness.temp_dir("transform-config")
        self.addCleanup(harness.remove_tree, workdir)
        path = os.path.join(workdir, "sink.properties")
        harness.write_properties(path, config)
        out = subprocess.run([harness.env_path("TRIBUTARY_BIN"), *args, path],
                             capture_output=True, text=True, timeout=30)
        self.assertFalse(os.path.exists("/nonexistent-tributary-root"))
        return out

    def test_bad_chain_is_rejected_at_start_naming_each_key(self):
        config = dict(VALID, **{
            "transforms": "mask,route,missing",
            "transforms.mask.type": "org.apache.kafka.connect.transforms.MaskField$Value",
            "transforms.route.type": "org.apache.kafka.connect.transforms.RegexRouter",
            "transforms.route.regex": "(unclosed",
            "transforms.route.replacement": "$1",
            "transforms.route.predicate": "nope",
        })
        out = self.run_tributary(["sink", "-c"], config)
        self.assertEqual(out.returncode, 2, out.stderr)
        for fragment in ["transforms.mask.fields: required",
                         "transforms.route.regex: invalid regular expression",
                         "transforms.route.predicate: 'nope' is not a predicate",
                         "transforms.missing.type: required"]:
            self.assertIn(fragment, out.stderr)

    def test_valid_chain_validates_and_unread_options_are_reported(self):
        config = dict(VALID, **{
            "transforms": "q,mask",
            "transforms.q.type": "tributary.Sql",
            "transforms.q.query": "SELECT id, UPPER(name) AS name FROM orders WHERE n > 3",
            "transforms.mask.type": "MaskField$Value",
            "transforms.mask.fields": "name",
            "transforms.mask.replacment": "typo",
        })
        out = self.run_tributary(["config", "--validate", "-c"], config)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("'transforms.mask.replacment' is not used", out.stderr)

    def test_sql_syntax_error_names_the_key_and_position(self):
        config = dict(VALID, **{"transforms": "q", "transforms.q.type": "tributary.Sql",
                                "transforms.q.query": "SELECT a FROM t WHERE"})
        out = self.run_tributary(["sink", "-c"], config)
        self.assertEqual(out.returncode, 2, out.stderr)
        self.assertIn("transforms.q.query: position 21: expected an expression", out.stderr)


if __name__ == "__main__":
    unittest.main()
