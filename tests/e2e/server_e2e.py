"""The operations endpoint end to end (issue #9): a real sink (local store, librdkafka's
mock cluster, records produced by kafka-python) with rest.port set.

- The Kafka Connect REST routes answer with Connect's documented shapes and status codes.
- /metrics parses with a strict Prometheus text parser (server_harness.py) and its
  counters equal what is actually in the store, counted from the files themselves.
- Pause stops consumption, resume continues with nothing lost; restart restarts.
- No configured secret appears in the logs, /metrics, /status, /ui or any REST answer.
- JSON logs are one JSON object per line; `tributary status` prints the partitions.
- SIGTERM during heavy writing exits 0 within shutdown.timeout.ms, and a restarted sink
  continues with every record written exactly once; a second signal exits at once (130).
- While a backlog drains, `tributary status` shows an ETA and partial progress bars.
"""
import json
import os
import re
import signal
import subprocess
import time
import unittest

import harness
import server_harness as sh
from server_harness import object_files

SECRET_AWS = "tributarySECRETaws0123456789abcdef"
SECRET_SASL = "tributarySECRETsasl9876543210"


def ids_in(files):
    """Every record id in the objects, read straight from the files."""
    ids = []
    for path in files:
        with open(path) as f:
            ids += [json.loads(line)["id"] for line in f if line.strip()]
    return ids


def terminate(sink):
    """SIGTERM to the sink; its exit code, seconds to exit, and log."""
    started = time.monotonic()
    sink.proc.send_signal(signal.SIGTERM)
    code = sink.proc.wait(timeout=30)
    elapsed = time.monotonic() - started
    sink.log.close()
    return code, elapsed, sink.log_text()


def value(i):
    return json.dumps({"id": i, "pad": "x" * (i % 40)}).encode()


class ServerE2ETest(unittest.TestCase):
    def setUp(self):
        self.root = harness.temp_dir("server-store")
        self.workdir = harness.temp_dir("server-run")
        self.addCleanup(harness.remove_tree, self.root)
        self.addCleanup(harness.remove_tree, self.workdir)

    def config(self, kafka, topic, **extra):
        return sh.sink_config(kafka, topic, self.root, "ops", **extra)

    def wait_first_file_in_flight(self, sink):
        """Waits until the sink holds the 9 records before the one that closes its first
        file (flush.size=10), then a little: the flush is in the store's hands."""
        rest = sh.Rest(sh.rest_port(sink))
        self.addCleanup(rest.close)
        sh.wait_for(lambda: rest.json("GET", "/status")["totals"]["records_consumed"] >= 9, 60,
                    "the first file to fill", proc=sink.proc)
        time.sleep(0.3)

    def restart_and_check(self, cfg, topic, objects, records):
        """A fresh process without the listener and faults continues from the committed
        offsets: `objects` objects in the end, each record exactly once."""
        cfg2 = {k: v for k, v in cfg.items() if not k.startswith(("rest.", "fault."))}
        with harness.Sink(cfg2, self.workdir) as sink2:
            sh.wait_for(lambda: len(object_files(self.root, topic)) >= objects, 120,
                        f"{objects} objects", proc=sink2.proc)
            self.assertEqual(sink2.stop(), 0)
        self.assertEqual(sorted(ids_in(object_files(self.root, topic))), list(range(records)))

    def test_rest_metrics_pause_resume_and_no_secrets(self):
        topic = harness.fresh_name("opstopic")
        partitions = 3
        with harness.MockKafka(topics={topic: partitions}) as kafka:
            harness.produce_with_kafka_python(kafka.bootstrap, topic, range(300), partitions,
                                              value)
            cfg = self.config(kafka, topic, flush_size=20, rest_port=0, log_format="json")
            cfg["aws.access.key.id"] = "AKIAEXAMPLEOPS"
            cfg["aws.secret.access.key"] = SECRET_AWS
            cfg["consumer.override.sasl.password"] = SECRET_SASL
            name = cfg["name"]
            with harness.Sink(cfg, self.workdir) as sink:
                rest = sh.Rest(sh.rest_port(sink))
                self.addCleanup(rest.close)
                sh.wait_for(lambda: len(object_files(self.root, topic)) >= 15, 60,
                            "15 objects", proc=sink.proc)
                self.check_connect_shapes(rest, name)
                self.check_metrics_match_store(rest, topic, partitions, 300, 15)
                self.check_pause_and_resume(rest, name, kafka, topic, partitions)
                self.check_restart(rest, name)
                self.check_status_command(rest)
                for path in ("/status", "/ui", "/health", "/ready", "/metrics"):
                    rest.call("GET", path)
                self.assertEqual(sink.stop(), 0, sink.log_text())
                log = sink.log_text()
        # Secrets appear nowhere: logs, REST bodies, metrics, status page.
        everything = log + "\n".join(rest.bodies)
        for secret in (SECRET_AWS, SECRET_SASL):
            self.assertNotIn(secret, everything)
        self.assertIn("[hidden]", "\n".join(rest.bodies))
        # log.format=json: every line is one JSON object with a timestamp, level, message.
        lines = [line for line in log.splitlines() if line.strip()]
        self.assertGreater(len(lines), 5)
        for line in lines:
            entry = json.loads(line)
            self.assertEqual(set(entry) - {"repeated"}, {"ts", "level", "msg"}, line)

    def check_connect_shapes(self, rest, name):
        # Field names as Connect documents them (docs.confluent.io .../connect/references/
        # restapi.html): GET /, /connectors, /connectors/{name}, .../status, .../config.
        root = rest.json("GET", "/")
        self.assertEqual(set(root), {"version", "commit", "kafka_cluster_id"})
        self.assertEqual(rest.json("GET", "/connectors"), [name])
        info = rest.json("GET", f"/connectors/{name}")
        self.assertEqual(set(info), {"name", "config", "tasks", "type"})
        self.assertEqual(info["type"], "sink")
        self.assertEqual(info["tasks"], [{"connector": name, "task": 0}])
        config = rest.json("GET", f"/connectors/{name}/config")
        self.assertEqual(config, info["config"])
        self.assertEqual(config["name"], name)
        self.assertEqual(config["flush.size"], "20")
        self.assertEqual(config["aws.secret.access.key"], "[hidden]")
        self.assertEqual(config["consumer.override.sasl.password"], "[hidden]")
        status = rest.json("GET", f"/connectors/{name}/status")
        self.assertEqual(set(status), {"name", "connector", "tasks", "type"})
        self.assertEqual(set(status["connector"]), {"state", "worker_id"})
        self.assertEqual(status["connector"]["state"], "RUNNING")
        self.assertEqual(len(status["tasks"]), 1)
        self.assertEqual(set(status["tasks"][0]), {"id", "state", "worker_id"})
        self.assertEqual(status["tasks"][0]["state"], "RUNNING")
        self.assertRegex(status["connector"]["worker_id"], r"^127\.0\.0\.1:\d+$")
        expanded = rest.json("GET", "/connectors?expand=status&expand=info")
        self.assertEqual(expanded[name]["status"], status)
        self.assertEqual(expanded[name]["info"], info)
        tasks = rest.json("GET", f"/connectors/{name}/tasks")
        self.assertEqual(tasks[0]["id"], {"connector": name, "task": 0})
        self.assertEqual(rest.json("GET", f"/connectors/{name}/tasks/0/status"),
                         status["tasks"][0])
        self.assertEqual(rest.json("GET", f"/connectors/{name}/topics"),
                         {name: {"topics": [config["topics"]]}})
        missing = rest.json("GET", "/connectors/nope/status", expect=404)
        self.assertEqual(missing, {"error_code": 404, "message": "Connector nope not found"})
        self.assertEqual(rest.json("GET", "/health")["status"], "healthy")
        sh.wait_for(lambda: rest.call("GET", "/ready")[0] == 200, 30, "/ready = 200")

    def check_metrics_match_store(self, rest, topic, partitions, records, objects):
        files = object_files(self.root, topic)
        self.assertEqual(len(files), objects)
        on_disk_bytes = sum(os.path.getsize(f) for f in files)
        ids = ids_in(files)
        self.assertEqual(sorted(ids), list(range(records)))

        def lag_known():
            _, s = rest.metrics()
            return all(sh.sample(s, "tributary_sink_consumer_lag_records", topic=topic,
                                 partition=p) == 0 for p in range(partitions))

        sh.wait_for(lag_known, 20, "consumer lag 0 on every partition")
        families, s = rest.metrics()
        self.assertEqual(families["tributary_sink_records_written_total"]["type"], "counter")
        self.assertEqual(sh.sample(s, "tributary_sink_records_written_total"), records)
        self.assertEqual(sh.sample(s, "tributary_sink_records_consumed_total"), records)
        self.assertEqual(sh.sample(s, "tributary_sink_objects_written_total"), objects)
        # One object per flush with the DefaultPartitioner: one journal commit each.
        self.assertEqual(sh.sample(s, "tributary_sink_journal_commits_total"), objects)
        self.assertEqual(sh.sample(s, "tributary_sink_journal_fencing_events_total"), 0)
        self.assertEqual(sh.sample(s, "tributary_sink_bytes_written_total"), on_disk_bytes)
        for p in range(partitions):
            self.assertEqual(sh.sample(s, "tributary_sink_committed_offset", topic=topic,
                                       partition=p), records // partitions)
        self.assertEqual(sh.sample(s, "tributary_sink_partitions_assigned"), partitions)
        self.assertEqual(sh.sample(s, "tributary_sink_task_running"), 1)
        self.assertEqual(families["tributary_sink_multipart_part_upload_duration_seconds"]["type"],
                         "histogram")
        status = rest.json("GET", "/status")
        self.assertEqual(status["totals"]["records_written"], records)
        self.assertEqual(status["lag"], 0)
        self.assertEqual([(p["partition"], p["committed_offset"], p["lag"])
                          for p in status["partitions"]],
                         [(p, records // partitions, 0) for p in range(partitions)])

    def check_pause_and_resume(self, rest, name, kafka, topic, partitions):
        self.assertIsNone(rest.json("PUT", f"/connectors/{name}/pause", expect=202))
        sh.wait_for(lambda: rest.json("GET", f"/connectors/{name}/status")["tasks"][0]["state"]
                    == "PAUSED", 20, "task PAUSED")
        self.assertEqual(rest.json("GET", f"/connectors/{name}/status")["connector"]["state"],
                         "PAUSED")
        consumed = rest.json("GET", "/status")["totals"]["records_consumed"]
        harness.produce_with_kafka_python(kafka.bootstrap, topic, range(300, 360), partitions,
                                          value)
        time.sleep(3)  # a running sink would have consumed (and written) these by now
        self.assertEqual(rest.json("GET", "/status")["totals"]["records_consumed"], consumed)
        self.assertEqual(len(object_files(self.root, topic)), 15)
        self.assertEqual(rest.call("GET", "/ready")[0], 503)
        # Restart of a paused connector is refused with Connect's error body.
        conflict = rest.json("POST", f"/connectors/{name}/restart", expect=409)
        self.assertEqual(conflict["error_code"], 409)
        self.assertIsNone(rest.json("PUT", f"/connectors/{name}/resume", expect=202))
        sh.wait_for(lambda: len(object_files(self.root, topic)) >= 18, 60,
                    "18 objects after resume")
        # Nothing lost, nothing twice: every id exactly once.
        self.assertEqual(sorted(ids_in(object_files(self.root, topic))), list(range(360)))
        _, s = rest.metrics()
        self.assertEqual(sh.sample(s, "tributary_sink_records_written_total"), 360)
        # Pause is Connect's: the task was not restarted, only its partitions paused.
        self.assertEqual(sh.sample(s, "tributary_sink_task_restarts_total"), 0)

    def check_restart(self, rest, name):
        self.assertIsNone(rest.json("POST", f"/connectors/{name}/restart", expect=204))

        def restarted():
            _, s = rest.metrics()
            return (sh.sample(s, "tributary_sink_task_restarts_total") == 1 and
                    sh.sample(s, "tributary_sink_task_running") == 1)

        sh.wait_for(restarted, 30, "a restart")
        self.assertEqual(rest.json("GET", f"/connectors/{name}/status")["tasks"][0]["state"],
                         "RUNNING")

    def check_status_command(self, rest):
        out = subprocess.run([harness.env_path("TRIBUTARY_BIN"), "status", "--url",
                              f"http://127.0.0.1:{rest.port}"],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("RUNNING", out.stdout)
        self.assertIn("written 360 records in 18 objects", out.stdout)
        rows = [line for line in out.stdout.splitlines() if line.startswith("opstopic-")]
        self.assertEqual(len(rows), 3, out.stdout)
        self.assertTrue(all("[####################] 100%" in r for r in rows), out.stdout)
        # --watch redraws until interrupted, then exits 0.
        watch = subprocess.Popen([harness.env_path("TRIBUTARY_BIN"), "status", "--watch",
                                  "--interval", "0.3", "--url", f"http://127.0.0.1:{rest.port}"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1.5)
        watch.send_signal(signal.SIGINT)
        stdout, stderr = watch.communicate(timeout=10)
        self.assertEqual(watch.returncode, 0, stderr)
        self.assertGreaterEqual(stdout.count("\x1b[H\x1b[2J"), 3)
        self.assertGreaterEqual(stdout.count("written 360 records in 18 objects"), 3)

    def test_sigterm_during_heavy_writing_exits_cleanly_and_restart_is_exactly_once(self):
        topic = harness.fresh_name("term")
        partitions = 2
        total = 20000
        flush = 500
        timeout_ms = 5000
        with harness.MockKafka(topics={topic: partitions}) as kafka:
            harness.produce_with_kafka_python(kafka.bootstrap, topic, range(total), partitions,
                                              value)
            # 150 ms per object PUT (the fault store's latency, as a slow link would add):
            # writing the 40 objects takes seconds, so the signal lands mid-work.
            cfg = self.config(kafka, topic, flush_size=flush, rest_port=0,
                              shutdown_timeout_ms=timeout_ms)
            cfg.update({"fault.latency.ms": "150", "fault.operations": "put"})
            with harness.Sink(cfg, self.workdir) as sink:
                sh.wait_for(lambda: len(object_files(self.root, topic)) >= 4, 60,
                            "the first objects", proc=sink.proc)
                # While the backlog drains, `tributary status` shows an ETA and partial
                # progress bars.
                port = sh.rest_port(sink)
                seen = []

                def eta_shown():
                    out = subprocess.run([harness.env_path("TRIBUTARY_BIN"), "status", "--url",
                                          f"http://127.0.0.1:{port}"],
                                         capture_output=True, text=True, timeout=30)
                    seen[:] = [out.stdout]
                    return re.search(r"; ETA \d", out.stdout) is not None

                sh.wait_for(eta_shown, 8, "an ETA in `tributary status`", proc=sink.proc)
                self.assertRegex(seen[0], r"\[#*\.+\]\s+\d+%")
                written_before = len(object_files(self.root, topic))
                code, elapsed, log = terminate(sink)
            self.assertEqual(code, 0, log)
            self.assertLess(elapsed, timeout_ms / 1000, log)
            self.assertIn("sink stopped cleanly", log)
            self.assertLess(written_before, total // flush, "the signal came after the work")
            self.restart_and_check(cfg, topic, total // flush, total)

    def test_shutdown_that_overruns_the_timeout_exits_and_loses_nothing(self):
        topic = harness.fresh_name("stuck")
        with harness.MockKafka(topics={topic: 1}) as kafka:
            harness.produce_with_kafka_python(kafka.bootstrap, topic, range(100), 1, value)
            # Every PUT takes 1.5 s (the start-up probe's too), so when the signal comes
            # the first object's PUT is in flight and cannot finish within 300 ms.
            cfg = self.config(kafka, topic, flush_size=10, rest_port=0,
                              shutdown_timeout_ms=300)
            cfg.update({"fault.latency.ms": "1500", "fault.operations": "put"})
            with harness.Sink(cfg, self.workdir) as sink:
                # Record 10 completes the first file: its Write is the PUT in flight.
                self.wait_first_file_in_flight(sink)
                code, elapsed, log = terminate(sink)
            self.assertEqual(code, 1, log)
            self.assertIn("shutdown did not finish within shutdown.timeout.ms=300", log)
            self.assertLess(elapsed, 1.2, log)  # the PUT alone would have taken longer
            self.restart_and_check(cfg, topic, 10, 100)

    def test_second_signal_exits_at_once_and_loses_nothing(self):
        topic = harness.fresh_name("twice")
        with harness.MockKafka(topics={topic: 1}) as kafka:
            harness.produce_with_kafka_python(kafka.bootstrap, topic, range(30), 1, value)
            # Completing an object takes 2.5 s and the shutdown may take 20 s: only the
            # second signal can end the process quickly.
            cfg = self.config(kafka, topic, flush_size=10, rest_port=0,
                              shutdown_timeout_ms=20000)
            cfg.update({"fault.latency.ms": "2500", "fault.operations": "complete_multipart"})
            with harness.Sink(cfg, self.workdir) as sink:
                self.wait_first_file_in_flight(sink)
                started = time.monotonic()
                sink.proc.send_signal(signal.SIGTERM)
                time.sleep(0.2)
                sink.proc.send_signal(signal.SIGINT)
                code = sink.proc.wait(timeout=30)
                elapsed = time.monotonic() - started
                sink.log.close()
            self.assertEqual(code, 130, sink.log_text())
            self.assertLess(elapsed, 1.5, sink.log_text())  # the completion needs more
            self.restart_and_check(cfg, topic, 3, 30)


if __name__ == "__main__":
    unittest.main()
