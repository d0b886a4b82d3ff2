"""Fixtures for the broker's scenario tests: `tributary broker` as a child process that
can be killed with SIGKILL and restarted on the same port and data directory.

Run under /usr/bin/python3 (Debian's kafka-python and confluent-kafka import there)."""
import os
import select
import signal
import subprocess
import sys
import time

import harness


class Broker:
    """`tributary broker --data-dir DIR --listen 127.0.0.1:PORT` with a fresh data dir.

    The first start picks a free port; restarts reuse it, so clients reconnect to the
    address they already know."""

    def __init__(self, *extra_args, data_dir=None, env=None):
        self.data_dir = data_dir or harness.temp_dir("broker")
        self.extra_args = list(extra_args)
        self.env = dict(os.environ, **env) if env else None
        self.port = 0
        self.proc = None
        self.log_path = os.path.join(self.data_dir, "broker.log")
        self.bootstrap = None

    def start(self):
        args = [harness.env_path("TRIBUTARY_BIN"), "broker", "--data-dir",
                os.path.join(self.data_dir, "data"), "--listen", f"127.0.0.1:{self.port}",
                *self.extra_args]
        log = open(self.log_path, "a")
        deadline = time.monotonic() + 20
        while True:
            self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=log, text=True,
                                         env=self.env)
            ready, _, _ = select.select([self.proc.stdout], [], [], 20)
            line = self.proc.stdout.readline() if ready else ""
            if line.startswith("LISTENING="):
                break
            # The port of a killed broker can take a moment to be free again.
            self.proc.wait(timeout=10)
            self.proc.stdout.close()
            if time.monotonic() > deadline:
                raise RuntimeError(f"broker did not start (printed {line!r}); log:\n{self.log_text()}")
            time.sleep(0.2)
        log.close()
        self.bootstrap = line.strip().split("=", 1)[1]
        self.port = int(self.bootstrap.rsplit(":", 1)[1])
        return self

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.proc.stdout.close()

    def stop(self):
        code = harness.stop_process(self.proc)
        self.proc.stdout.close()
        return code

    def log_text(self):
        with open(self.log_path) as f:
            return f.read()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.stop()
        if exc[0] is None and not os.environ.get("TRIBUTARY_KEEP_BROKER_DIR"):
            harness.remove_tree(self.data_dir)
        else:
            print(f"broker log ({self.log_path}):\n{self.log_text()[-4000:]}")


def consume_all(bootstrap, topic, expected, timeout=30, group=None, extra=None):
    """Reads `topic` from the beginning with confluent-kafka until `expected` records
    arrived (or `timeout`); returns [(partition, offset, key, value)]."""
    from confluent_kafka import Consumer
    conf = {"bootstrap.servers": bootstrap, "group.id": group or harness.fresh_name("reader"),
            "auto.offset.reset": "earliest", "enable.auto.commit": False}
    conf.update(extra or {})
    c = Consumer(conf)
    c.subscribe([topic])
    out = []
    deadline = time.monotonic() + timeout
    try:
        while len(out) < expected and time.monotonic() < deadline:
            m = c.poll(0.5)
            if m is None or m.error():
                continue
            out.append((m.partition(), m.offset(), m.key(), m.value()))
        if group:
            c.commit(asynchronous=False)
    finally:
        c.close()
    return out


class BrokerPeer:
    """`tributary broker` in the place of harness.MockKafka (same constructor, same
    `bootstrap`), chosen by TRIBUTARY_KAFKA_PEER=broker: the sink's scenario tests run
    unchanged against both peers. The topics are created with CreateTopics by an
    independent client (confluent-kafka's admin); the WAL is packed into objects every
    500 ms, so the sink also reads packed data through the object index.
    TRIBUTARY_BROKER_ARGS adds command-line options (split on spaces)."""

    def __init__(self, topics=(), brokers=1):
        self.topics = dict(topics)
        if brokers != 1:
            raise ValueError("tributary broker runs a single node; the scenario asked for "
                             f"{brokers} brokers")
        extra = os.environ.get("TRIBUTARY_BROKER_ARGS", "").split()
        self.broker = Broker("--pack-interval-ms", "500", *extra)
        self.bootstrap = None

    def __enter__(self):
        self.broker.start()
        self.bootstrap = self.broker.bootstrap
        print(f"kafka peer: tributary broker at {self.bootstrap} ({self.broker.data_dir})",
              file=sys.stderr)
        if self.topics:
            try:
                create_topics(self.bootstrap, self.topics)
            except BaseException:
                self.broker.__exit__(*sys.exc_info())
                raise
        return self

    def __exit__(self, *exc):
        self.broker.__exit__(*exc)


def create_topics(bootstrap, topics):
    """Creates {name: partitions} with confluent-kafka's AdminClient (CreateTopics)."""
    from confluent_kafka.admin import AdminClient, NewTopic
    admin = AdminClient({"bootstrap.servers": bootstrap})
    futures = admin.create_topics([NewTopic(name, num_partitions=n, replication_factor=1)
                                   for name, n in topics.items()])
    for name, f in futures.items():
        f.result(20)
