"""Keeps the end-to-end benchmark (bench/e2e_bench.py, `make bench`) from rotting: runs its
--smoke mode (3,000 records on `tributary broker`, two sink variants, the codec peers, the
naive Python sink and kcat | gzip) and checks that it writes a well-formed report with
charts. It asserts the report's shape, never a speed."""
import os
import re
import subprocess
import sys
import unittest

import harness

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class BenchSmokeTest(unittest.TestCase):
    def test_smoke_run_writes_a_well_formed_report(self):
        out_dir = harness.temp_dir("bench-smoke")
        report = os.path.join(out_dir, "BENCHMARKS.md")
        build = os.path.dirname(harness.env_path("TRIBUTARY_BIN"))
        run = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "e2e_bench.py"),
                              "--smoke", "--build", build, "--out", report],
                             capture_output=True, text=True, timeout=240)
        self.assertEqual(run.returncode, 0, run.stdout[-3000:] + run.stderr[-3000:])
        with open(report) as f:
            text = f.read()

        rows = {}
        for line in text.splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 10 and re.fullmatch(r"[\d.]+", cells[3] or "x"):
                rows[cells[0]] = cells
        for name in ("tributary sink, JSON, local", "tributary sink, JSON gzip, local",
                     "gzip -6 (GNU gzip CLI)", "zlib level 6 (Python zlib loop)",
                     "naive Python sink, gzip, local", "kcat -C piped to gzip -6, local file"):
            self.assertIn(name, rows, text)
            wall, cpu, cpu_per_gb = (float(rows[name][i]) for i in (1, 2, 3))
            self.assertGreater(wall, 0, name)
            self.assertGreater(cpu_per_gb, 0, name)
        # Each sink run wrote objects, and the naive sink stopped at the partitions' end
        # having read every record (it used to wait forever for an unreachable count).
        for name in ("tributary sink, JSON, local", "tributary sink, JSON gzip, local"):
            self.assertNotEqual(rows[name][7], "—", name)
        self.assertIn("consumed 3000 records, stopped at end of partitions",
                      rows["naive Python sink, gzip, local"][9])
        self.assertIn("3,000 order events", text)
        self.assertIn("## Headline: Tributary ÷ peer", text)
        self.assertRegex(text, r"tributary sink, JSON gzip, local ÷ zlib level 6 .*\*\*[\d.]+×\*\*")
        for chart in ("bench-cpu-per-gb.png", "bench-peak-rss.png"):
            self.assertIn(f"](images/{chart})", text)
            with open(os.path.join(out_dir, "images", chart), "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n", chart)
        harness.remove_tree(out_dir)


if __name__ == "__main__":
    unittest.main()
