"""Helpers for the operations-endpoint scenario tests (issue #9): HTTP calls to the
sink's REST listener, a strict parser of the Prometheus text format, and a sink whose
listener port is read from its log.

The parser is written here, independently of Tributary's exposition code, from the
format's specification (https://prometheus.io/docs/instrumenting/exposition_formats/,
text format 0.0.4): it rejects anything a Prometheus server would reject, and more
(samples outside their family, duplicate series, non-cumulative histogram buckets).
"""
import http.client
import json
import math
import os
import re
import time

import harness

METRIC_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*\Z")
LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*\Z")
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


class PromParseError(AssertionError):
    pass


def _parse_value(text, line_no):
    if text in ("+Inf", "Inf"):
        return math.inf
    if text == "-Inf":
        return -math.inf
    if text == "NaN":
        return math.nan
    if not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", text):
        raise PromParseError(f"line {line_no}: bad sample value {text!r}")
    return float(text)


def _parse_labels(text, pos, line_no):
    """Parses `{a="x",b="y"}` starting at text[pos] == '{'; returns (labels, next pos)."""
    labels = {}
    pos += 1
    while True:
        if pos < len(text) and text[pos] == "}":
            return labels, pos + 1
        m = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*").match(text, pos)
        if not m:
            raise PromParseError(f"line {line_no}: bad label name at column {pos}")
        name = m.group(0)
        pos = m.end()
        if text[pos:pos + 2] != '="':
            raise PromParseError(f"line {line_no}: expected =\" after label {name}")
        pos += 2
        value = []
        while True:
            if pos >= len(text):
                raise PromParseError(f"line {line_no}: unterminated label value")
            c = text[pos]
            if c == "\\":
                nxt = text[pos + 1:pos + 2]
                if nxt not in ("\\", '"', "n"):
                    raise PromParseError(f"line {line_no}: bad escape \\{nxt} in label value")
                value.append("\n" if nxt == "n" else nxt)
                pos += 2
            elif c == '"':
                pos += 1
                break
            elif c == "\n":
                raise PromParseError(f"line {line_no}: raw newline in label value")
            else:
                value.append(c)
                pos += 1
        if name in labels:
            raise PromParseError(f"line {line_no}: label {name} repeated")
        labels[name] = "".join(value)
        if pos < len(text) and text[pos] == ",":
            pos += 1
        elif pos < len(text) and text[pos] == "}":
            continue
        else:
            raise PromParseError(f"line {line_no}: expected , or }} after label {name}")


def parse_prometheus(text):
    """Parses exposition text strictly. Returns (families, samples):
    families {name: {"type", "help"}}, samples {(name, ((label, value), ...)): value}."""
    if text and not text.endswith("\n"):
        raise PromParseError("exposition must end with a newline")
    families = {}
    samples = {}
    current = None  # the family whose samples are being read
    finished = set()  # families whose sample block has ended
    for line_no, line in enumerate(text.split("\n")[:-1], start=1):
        if line == "":
            continue
        if line.startswith("#"):
            parts = line.split(" ", 3)
            if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
                name = parts[2]
                if not METRIC_NAME.match(name):
                    raise PromParseError(f"line {line_no}: bad metric name {name!r}")
                fam = families.setdefault(name, {"type": None, "help": None})
                if parts[1] == "TYPE":
                    kind = parts[3] if len(parts) == 4 else ""
                    if kind not in TYPES:
                        raise PromParseError(f"line {line_no}: bad type {kind!r}")
                    if fam["type"] is not None:
                        raise PromParseError(f"line {line_no}: second TYPE for {name}")
                    if any(s[0] == name or s[0].startswith(name + "_") and
                           s[0][len(name) + 1:] in ("bucket", "sum", "count")
                           for s in samples):
                        raise PromParseError(f"line {line_no}: TYPE after samples of {name}")
                    fam["type"] = kind
                else:
                    if fam["help"] is not None:
                        raise PromParseError(f"line {line_no}: second HELP for {name}")
                    help_text = parts[3] if len(parts) == 4 else ""
                    if re.search(r"\\[^\\n]", help_text.replace("\\\\", "")):
                        raise PromParseError(f"line {line_no}: bad escape in HELP")
                    fam["help"] = help_text
                if current is not None and current != name:
                    finished.add(current)
                current = name
            continue
        m = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*").match(line)
        if not m:
            raise PromParseError(f"line {line_no}: bad sample line {line!r}")
        name = m.group(0)
        pos = m.end()
        labels = {}
        if pos < len(line) and line[pos] == "{":
            labels, pos = _parse_labels(line, pos, line_no)
        rest = line[pos:]
        if not rest.startswith(" "):
            raise PromParseError(f"line {line_no}: expected a space before the value")
        fields = rest.strip().split(" ")
        if len(fields) not in (1, 2):
            raise PromParseError(f"line {line_no}: expected value [timestamp]")
        value = _parse_value(fields[0], line_no)
        if len(fields) == 2 and not re.fullmatch(r"-?\d+", fields[1]):
            raise PromParseError(f"line {line_no}: bad timestamp")
        # Which family does the sample belong to?
        family = name
        for suffix in ("_bucket", "_sum", "_count"):
            base = name[:-len(suffix)]
            if name.endswith(suffix) and families.get(base, {}).get("type") == "histogram":
                family = base
        fam = families.get(family)
        if fam is None or fam["type"] is None:
            raise PromParseError(f"line {line_no}: sample {name} before its TYPE line")
        if family != current or family in finished:
            raise PromParseError(f"line {line_no}: sample {name} outside its family's block")
        if fam["type"] == "histogram":
            if name == family:
                raise PromParseError(f"line {line_no}: bare sample of histogram {family}")
            if name.endswith("_bucket") != ("le" in labels):
                raise PromParseError(f"line {line_no}: le label only (and always) on _bucket")
        if fam["type"] == "counter":
            if value < 0 or math.isnan(value):
                raise PromParseError(f"line {line_no}: counter {name} is {value}")
            if not name.endswith("_total"):
                raise PromParseError(f"line {line_no}: counter {name} does not end in _total")
        key = (name, tuple(sorted(labels.items())))
        if key in samples:
            raise PromParseError(f"line {line_no}: duplicate series {key}")
        samples[key] = value
    _check_histograms(families, samples)
    return families, samples


def _check_histograms(families, samples):
    for family, fam in families.items():
        if fam["type"] != "histogram":
            continue
        series = {}
        for (name, labels), value in samples.items():
            if name == family + "_bucket":
                rest = tuple(kv for kv in labels if kv[0] != "le")
                le = dict(labels)["le"]
                series.setdefault(rest, []).append((_parse_value(le, 0), value))
        for rest, buckets in series.items():
            buckets.sort()
            if not buckets or buckets[-1][0] != math.inf:
                raise PromParseError(f"{family}{dict(rest)}: no le=\"+Inf\" bucket")
            counts = [v for _, v in buckets]
            if counts != sorted(counts):
                raise PromParseError(f"{family}{dict(rest)}: buckets are not cumulative")
            count = samples.get((family + "_count", rest))
            if count is None or (family + "_sum", rest) not in samples:
                raise PromParseError(f"{family}{dict(rest)}: _sum or _count missing")
            if count != counts[-1]:
                raise PromParseError(f"{family}{dict(rest)}: +Inf bucket != _count")


def sample(samples, name, **labels):
    return samples.get((name, tuple(sorted((k, str(v)) for k, v in labels.items()))))


class Rest:
    """HTTP/1.1 calls on one keep-alive connection (reconnecting if the server closed it)."""

    def __init__(self, port, host="127.0.0.1"):
        self.host, self.port = host, port
        self.conn = None
        self.bodies = []  # every response body, for the secrets check

    def call(self, method, path, body=None):
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
            try:
                self.conn.request(method, path, body=body)
                resp = self.conn.getresponse()
                data = resp.read().decode()
                if resp.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                self.bodies.append(data)
                return resp.status, resp.getheader("Content-Type"), data
            except (ConnectionError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise

    def json(self, method, path, expect=200):
        status, ctype, data = self.call(method, path)
        if status != expect:
            raise AssertionError(f"{method} {path}: HTTP {status}, wanted {expect}: {data}")
        if status in (202, 204) and not data:
            return None
        if not ctype.startswith("application/json"):
            raise AssertionError(f"{method} {path}: Content-Type {ctype}")
        return json.loads(data)

    def metrics(self):
        status, ctype, data = self.call("GET", "/metrics")
        assert status == 200, data
        assert ctype == "text/plain; version=0.0.4; charset=utf-8", ctype
        return parse_prometheus(data)

    def close(self):
        if self.conn:
            self.conn.close()


def rest_port(sink, timeout=30):
    """The port the sink's listener bound (rest.port=0), from its log."""
    found = []

    def logged():
        m = re.search(r"on http://[^:]+:(\d+)/", sink.log_text())
        if m:
            found.append(int(m.group(1)))
        return bool(found)

    harness.wait_until(logged, timeout, "the REST listener's port in the log", proc=sink.proc,
                       interval=0.1)
    return found[0]


def wait_for(predicate, timeout, what, proc=None):
    harness.wait_until(predicate, timeout, what, proc=proc, interval=0.2)


def now_ms():
    return int(time.time() * 1000)


def sink_config(kafka, topic, root, prefix, **extra):
    """A JSON sink of `topic` into the local store at `root` (bucket "lake"); `extra`
    keys with underscores for dots (flush_size=10)."""
    cfg = {"name": harness.fresh_name(prefix), "topics": topic,
           "bootstrap.servers": kafka.bootstrap, "format.class": "JsonFormat",
           "store.url": f"file://{root}", "s3.bucket.name": "lake",
           "consumer.override.session.timeout.ms": "6000"}
    cfg.update({k.replace("_", "."): str(v) for k, v in extra.items()})
    return cfg


def object_files(root, topic):
    """Every object of `topic` in the local store at `root`, by listing the directory."""
    base = os.path.join(root, "lake", "topics", topic)
    return sorted(os.path.join(d, f) for d, _, fs in os.walk(base) for f in fs)
