"""The README's first command ends in `tributary quickstart`: it must start the embedded
`tributary broker`, produce, sink and print the lake's contents; the lake must hold every
sample record (read by DuckDB), and the broker's temporary data directory must be gone
when the command returns."""
import os
import re
import subprocess
import unittest

import harness


class QuickstartTest(unittest.TestCase):
    def test_quickstart_writes_and_prints_the_lake(self):
        workdir = harness.temp_dir("quickstart")
        broker_tmp = os.path.join(workdir, "tmp")
        os.makedirs(broker_tmp)
        out = subprocess.run([harness.env_path("TRIBUTARY_BIN"), "quickstart", "--dir", "lake"],
                             cwd=workdir, capture_output=True, text=True, timeout=180,
                             env={**os.environ, "TMPDIR": broker_tmp})
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("starting the embedded `tributary broker`", out.stdout)
        self.assertNotIn("mock", out.stdout)
        data_dir = re.search(r"objects in (\S+), removed at exit", out.stdout).group(1)
        self.assertEqual(os.path.dirname(data_dir), broker_tmp)
        self.assertFalse(os.path.exists(data_dir), "the broker's data directory is removed")
        self.assertEqual(os.listdir(broker_tmp), [])
        listed = re.findall(r"topics/orders/partition=(\d)/orders\+\d\+(\d{10})\.json\s+(\d+)",
                            out.stdout)
        # 3000 events over 3 partitions, flush.size 250: 4 objects per partition.
        self.assertEqual(len(listed), 12, out.stdout)
        self.assertTrue(all(int(n) == 250 for _, _, n in listed))
        self.assertRegex(out.stdout, r"total\s+3000\s")
        glob = os.path.join(workdir, "lake", "tributary-quickstart", "topics", "orders", "*", "*.json")
        rows = harness.duckdb(f"SELECT count(*) AS n, count(DISTINCT order_id) AS ids "
                              f"FROM read_json_auto('{glob}')")
        self.assertEqual((int(rows[0]["n"]), int(rows[0]["ids"])), (3000, 3000))
        harness.remove_tree(workdir)


if __name__ == "__main__":
    unittest.main()
