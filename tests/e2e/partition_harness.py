"""Helpers for the partitioning scenario tests (partitioning_e2e.py)."""
import os

import harness


def produce_records(bootstrap, topic, records):
    """Produces (partition, key, value, timestamp_ms) tuples with kafka-python, in order,
    so offsets within a partition follow list order. timestamp_ms None lets the producer
    stamp the record."""
    from kafka import KafkaProducer
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=20,
                             api_version=(2, 5, 0))
    futures = [producer.send(topic, key=key, value=value, partition=p, timestamp_ms=ts)
               for p, key, value, ts in records]
    producer.flush(timeout=120)
    for f in futures:
        f.get(timeout=60)
    producer.close()


def data_files(base):
    """Every object under `base`, as paths relative to it, sorted."""
    out = []
    for d, _, fs in os.walk(base):
        out += [os.path.relpath(os.path.join(d, f), base) for f in fs]
    return sorted(out)


def run_sink_until(config, base, want_files, workdir):
    """Runs the sink until `want_files` objects exist under `base`, then stops it
    cleanly; returns the relative paths."""
    with harness.Sink(config, workdir) as sink:
        harness.wait_until(lambda: len(data_files(base)) >= want_files, 120,
                           f"{want_files} objects under {base}", proc=sink.proc)
        code = sink.stop()
        if code != 0:
            raise AssertionError(f"sink exited with {code}:\n{sink.log_text()}")
    return data_files(base)
