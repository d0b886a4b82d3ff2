"""Writes an Avro container file with python3-avro (an independent writer) and prints the
rows it wrote as JSON lines in the shape Tributary's Avro reader yields
(src/format/reader/columnar_reader.h): dates as days, times and timestamps as counts in
the schema's unit, decimals as numbers, bytes and fixed as base64, enums as symbols.

usage: /usr/bin/python3 write_avro.py FILE CODEC [ROWS]
CODEC: null, deflate or snappy (python3-avro 1.11 in Debian has no zstandard writer).
The sync interval is lowered so that the file has many blocks.
"""
import base64
import datetime
import decimal
import json
import sys
import uuid

import avro.datafile
import avro.io
import avro.schema

SCHEMA = {
    "type": "record", "name": "Event", "namespace": "test", "fields": [
        {"name": "id", "type": "long"},
        {"name": "n", "type": "int"},
        {"name": "ok", "type": "boolean"},
        {"name": "f", "type": "float"},
        {"name": "d", "type": "double"},
        {"name": "s", "type": ["null", "string"]},
        {"name": "raw", "type": "bytes"},
        {"name": "fx", "type": {"type": "fixed", "name": "Four", "size": 4}},
        {"name": "color", "type": {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN", "BLUE"]}},
        {"name": "day", "type": {"type": "int", "logicalType": "date"}},
        {"name": "tm", "type": {"type": "int", "logicalType": "time-millis"}},
        {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "tsu", "type": ["null", {"type": "long", "logicalType": "timestamp-micros"}]},
        {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 3}},
        {"name": "uid", "type": {"type": "string", "logicalType": "uuid"}},
        {"name": "tags", "type": {"type": "array", "items": "string"}},
        {"name": "attrs", "type": {"type": "map", "values": ["null", "double"]}},
        {"name": "sub", "type": ["null", {"type": "record", "name": "Sub", "fields": [
            {"name": "x", "type": "int"}, {"name": "ys", "type": {"type": "array", "items": "long"}}]}]},
    ]}

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def row(i):
    day = datetime.date(2024, 2, 29) + datetime.timedelta(days=i - 50)
    ts = EPOCH + datetime.timedelta(milliseconds=1709204400500 + i * 1001)
    return {
        "id": i * 1000003 - 7, "n": -i, "ok": i % 2 == 0, "f": i * 0.5, "d": i / 8.0,
        "s": None if i % 4 == 0 else f"s-{i}-é", "raw": bytes([i % 256, 0, 255]),
        "fx": bytes([1, 2, 3, i % 256]), "color": ["RED", "GREEN", "BLUE"][i % 3], "day": day,
        "tm": datetime.time(1, 2, 3, (i % 1000) * 1000), "ts": ts,
        "tsu": None if i % 3 == 0 else EPOCH + datetime.timedelta(microseconds=i * 1234567),
        "price": decimal.Decimal(i * 1234567 - 5000000).scaleb(-3),
        "uid": str(uuid.UUID(int=i * 0x1234567890abcdef)),
        "tags": [f"t{k}" for k in range(i % 4)], "attrs": {"a": i * 0.25, "n": None} if i % 5 else {},
        "sub": None if i % 6 == 0 else {"x": i, "ys": list(range(i % 3))},
    }


def expected(i, r):
    out = dict(r)
    out["raw"] = base64.b64encode(r["raw"]).decode()
    out["fx"] = base64.b64encode(r["fx"]).decode()
    out["day"] = (r["day"] - datetime.date(1970, 1, 1)).days
    t = r["tm"]
    out["tm"] = ((t.hour * 60 + t.minute) * 60 + t.second) * 1000 + t.microsecond // 1000
    out["ts"] = (r["ts"] - EPOCH) // datetime.timedelta(milliseconds=1)
    out["tsu"] = None if r["tsu"] is None else (r["tsu"] - EPOCH) // datetime.timedelta(microseconds=1)
    out["price"] = str(r["price"])
    return out


def main():
    path, codec = sys.argv[1], sys.argv[2]
    rows = int(sys.argv[3]) if len(sys.argv) > 3 else 300
    avro.datafile.SYNC_INTERVAL = 512
    schema = avro.schema.parse(json.dumps(SCHEMA))
    with open(path, "wb") as f:
        w = avro.datafile.DataFileWriter(f, avro.io.DatumWriter(), schema, codec=codec)
        w.set_meta("tributary.topic", b"from-python")
        for i in range(rows):
            w.append(row(i))
        w.close()
    for i in range(rows):
        # price as a JSON number with its exact digits (compare_rows.py reads numbers as
        # decimals).
        text = json.dumps(expected(i, row(i)), ensure_ascii=False)
        print(text.replace(f'"price": "{row(i)["price"]}"', f'"price": {row(i)["price"]}'))


if __name__ == "__main__":
    main()
