"""The /ui status page in a real browser: headless Chromium (Debian's chromium package)
loads the page from a running sink, runs its JavaScript (which polls /status), and the
test reads the rendered DOM: state, totals and one row per partition with its committed
offset and lag. A screenshot is taken too (the one in docs/ came from this command)."""
import html.parser
import os
import shutil
import subprocess
import unittest

import harness
import server_harness as sh

CHROMIUM = shutil.which("chromium")
SECRET = "tributarySECRETui5555"


class Dom(html.parser.HTMLParser):
    """Text by element id, partition rows (cells by class) and the body's attributes."""

    def __init__(self):
        super().__init__()
        self.by_id = {}
        self.rows = []
        self.body = {}
        self._stack = []  # (tag, id, row)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "body":
            self.body = attrs
        if tag == "tr" and "data-partition" in attrs:
            self.rows.append({"partition": attrs["data-partition"], "topic": attrs["data-topic"],
                              "cells": []})
        if tag == "td" and self.rows and self._in_row():
            self.rows[-1]["cells"].append({"class": attrs.get("class", ""), "text": ""})
        self._stack.append((tag, attrs.get("id")))
        if attrs.get("id"):
            self.by_id[attrs["id"]] = ""

    def _in_row(self):
        return any(t == "tr" for t, _ in self._stack)

    def handle_endtag(self, tag):
        while self._stack:
            t, _ = self._stack.pop()
            if t == tag:
                break

    def handle_data(self, data):
        for _, ident in self._stack:
            if ident:
                self.by_id[ident] += data
        if self.rows and self._in_row() and self.rows[-1]["cells"] and \
                any(t == "td" for t, _ in self._stack):
            self.rows[-1]["cells"][-1]["text"] += data


def chromium(args, workdir):
    base = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--no-first-run",
            f"--user-data-dir={os.path.join(workdir, 'chromium-profile')}"]
    out = subprocess.run(base + args, capture_output=True, text=True, timeout=90)
    if out.returncode != 0:
        raise AssertionError(f"chromium failed ({out.returncode}): {out.stderr[-2000:]}")
    return out.stdout


@unittest.skipIf(CHROMIUM is None, "chromium is not installed (scripts/install-deps.sh --test)")
class StatusPageTest(unittest.TestCase):
    def test_page_shows_partitions_lag_and_totals(self):
        topic = harness.fresh_name("uitopic")
        root = harness.temp_dir("ui-store")
        workdir = harness.temp_dir("ui-run")
        self.addCleanup(harness.remove_tree, root)
        self.addCleanup(harness.remove_tree, workdir)
        with harness.MockKafka(topics={topic: 2}) as kafka:
            # 65 records per partition: 3 objects of 20 each, 5 records left in an open file.
            harness.produce_with_kafka_python(kafka.bootstrap, topic, range(130), 2,
                                              lambda i: b'{"id": %d}' % i)
            cfg = {"name": harness.fresh_name("ui"), "topics": topic,
                   "bootstrap.servers": kafka.bootstrap, "format.class": "JsonFormat",
                   "flush.size": "20", "store.url": f"file://{root}", "s3.bucket.name": "lake",
                   "rest.port": "0", "consumer.override.session.timeout.ms": "6000",
                   "s3.proxy.password": SECRET}
            with harness.Sink(cfg, workdir) as sink:
                rest = sh.Rest(sh.rest_port(sink))
                self.addCleanup(rest.close)
                def settled():
                    st = rest.json("GET", "/status")
                    return (st["totals"]["records_written"] == 120 and st["lag"] == 10 and
                            all(p["buffered_records"] == 5 for p in st["partitions"]))

                sh.wait_for(settled, 60, "120 records written, 10 in open files",
                            proc=sink.proc)
                url = f"http://127.0.0.1:{rest.port}/ui"
                # Virtual time lets the page's 1 s polling run several times quickly.
                html_text = chromium(["--virtual-time-budget=4000", "--dump-dom", url], workdir)
                shot = os.path.join(workdir, "status-ui.png")
                chromium(["--window-size=1280,640", "--virtual-time-budget=3000",
                          f"--screenshot={shot}", url], workdir)
                self.assertEqual(sink.stop(), 0)
        self.assertNotIn(SECRET, html_text)
        dom = Dom()
        dom.feed(html_text)
        self.assertEqual(dom.by_id["name"], cfg["name"])
        self.assertEqual(dom.by_id["state"], "RUNNING")
        self.assertEqual(dom.by_id["ready"], "ready")
        self.assertEqual(dom.by_id["records-written"], "120")
        self.assertEqual(dom.by_id["objects-written"], "6")
        self.assertEqual(dom.by_id["lag"], "10")
        # Polled and re-rendered more than once while the page was open.
        self.assertGreaterEqual(int(dom.body.get("data-updates", "0")), 2)
        self.assertEqual([r["partition"] for r in dom.rows], ["0", "1"])
        for row in dom.rows:
            self.assertEqual(row["topic"], topic)
            cells = {c["class"]: c["text"] for c in row["cells"]}
            self.assertEqual(cells["committed"], "60")
            self.assertEqual(cells["lag"], "5")
            # The newest object, and what the open file waits for.
            self.assertRegex(cells["l obj"], rf"^topics/{topic}/partition={row['partition']}/"
                             rf"{topic}\+{row['partition']}\+0000000040\.json$")
            self.assertTrue(cells["l waits"].startswith("flush.size: 5 of 20 records; no "
                                                        "time-based rotation configured"),
                            cells["l waits"])
        with open(shot, "rb") as f:
            png = f.read()
        # TRIBUTARY_UI_SCREENSHOT=docs/images/status-ui.png refreshes the docs' picture.
        if os.environ.get("TRIBUTARY_UI_SCREENSHOT"):
            with open(os.environ["TRIBUTARY_UI_SCREENSHOT"], "wb") as f:
                f.write(png)
        self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
        self.assertGreater(len(png), 10000)


if __name__ == "__main__":
    unittest.main()
