"""Schema Registry framed Protobuf and JSON Schema values, made by independent encoders:
protoc (protobuf-compiler) compiles tests/converters/proto/*.proto, python3-protobuf encodes
the messages, Python's json writes the JSON payloads. Used by converters_test (C++) and by
tests/e2e/converters_e2e.py (which produces the same records to Kafka).

Every record comes in one of three framings (shared/reference/formats-s3-iceberg.md §2.7):
  "id"      magic 0 + 4-byte schema id [+ Protobuf message indexes] + payload
  "guid"    magic 1 + 16-byte schema GUID [+ message indexes] + payload
  "header"  the payload alone; header __value_schema_id = magic 1 + GUID [+ indexes]

Expected rows are in one canonical form: timestamps as epoch milliseconds, dates as
"YYYY-MM-DD", bytes as lower-case hex, maps as objects, decimals as exact numbers.

usage: /usr/bin/python3 converter_payloads.py OUT_DIR
writes OUT_DIR/registry.json (for tests/columnar/fake_registry.py) and, per case
(protobuf, jsonschema), OUT_DIR/<case>.records (one line per record: value hex, then the
__value_schema_id header hex or "-") and OUT_DIR/<case>.expected (JSON lines).
"""
import base64
import datetime
import json
import os
import struct
import subprocess
import sys
import tempfile
import uuid

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO_DIR = os.path.join(HERE, "proto")

PROTO_ID, COMMON_ID, JSON_ID = 22, 21, 31
PROTO_GUID = uuid.UUID("9f3c0f4e-5b6a-4c1d-8e2f-0a1b2c3d4e5f")
JSON_GUID = uuid.UUID("0c2f7a10-3d4e-4f50-9a6b-7c8d9e0f1a2b")
PROTO_SUBJECT, JSON_SUBJECT = "orders-pb-value", "payments-js-value"


def zigzag(n):
    n = (n << 1) ^ (n >> 63)
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def indexes(path):
    if path == [0]:
        return b"\x00"
    return zigzag(len(path)) + b"".join(zigzag(i) for i in path)


def frame(form, schema_id, guid, payload, index_bytes=b""):
    """(value, header) for one of the three framings."""
    if form == "id":
        return b"\x00" + struct.pack(">i", schema_id) + index_bytes + payload, None
    if form == "guid":
        return b"\x01" + guid.bytes + index_bytes + payload, None
    return payload, b"\x01" + guid.bytes + index_bytes


def compile_protos():
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "set.pb")
        subprocess.run(["protoc", "-I", PROTO_DIR, "-I", "/usr/include", "--include_imports",
                        "--descriptor_set_out=" + out, "shop.proto"], check=True)
        fds = descriptor_pb2.FileDescriptorSet()
        fds.ParseFromString(open(out, "rb").read())
    return {f.name: f for f in fds.file}


def ms(dt):
    d = dt - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    return d.days * 86400000 + d.seconds * 1000 + d.microseconds // 1000


def protobuf_case():
    files = compile_protos()
    pool = descriptor_pool.DescriptorPool()
    for name in ["google/protobuf/timestamp.proto", "google/protobuf/wrappers.proto",
                 "google/type/date.proto", "common.proto", "shop.proto"]:
        pool.Add(files[name])
    factory = message_factory.MessageFactory(pool)
    Order = factory.GetPrototype(pool.FindMessageTypeByName("shop.v1.Order"))
    Refund = factory.GetPrototype(pool.FindMessageTypeByName("shop.v1.Refund"))

    registry = {
        str(COMMON_ID): {"subject": "shop-common", "schemaType": "PROTOBUF",
                         "schemaText": open(os.path.join(PROTO_DIR, "common.proto")).read(),
                         "serialized": base64.b64encode(files["common.proto"].SerializeToString()).decode()},
        str(PROTO_ID): {"subject": PROTO_SUBJECT, "schemaType": "PROTOBUF", "guid": str(PROTO_GUID),
                        "schemaText": open(os.path.join(PROTO_DIR, "shop.proto")).read(),
                        "serialized": base64.b64encode(files["shop.proto"].SerializeToString()).decode(),
                        "references": [{"name": "common.proto", "subject": "shop-common", "version": 1}]},
    }

    created1 = datetime.datetime(2024, 2, 29, 12, 30, 45, 123456, tzinfo=datetime.timezone.utc)
    created3 = datetime.datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=datetime.timezone.utc)
    records, expected = [], []

    o = Order(id=1, customer="ann", amount=12.5, ratio=0.25, paid=True, blob=b"\x00\xffab",
              qty=4000000000, delta=-7, big=2**64 - 1, status=1, tags=["a", "b"],
              card="4111-xxxx")
    o.attrs["x"] = 1
    o.attrs["y"] = -2
    o.ship_to.city = "Oslo"
    o.ship_to.zip = "0150"
    o.lines.add(sku="s1", count=2)
    o.lines.add(sku="s2", count=0)
    o.created.FromDatetime(created1.replace(tzinfo=None))
    o.note.value = "leave at door"
    o.maybe.value = 0
    o.priority = 0
    o.day.year, o.day.month, o.day.day = 2024, 2, 29
    o.by_zone[7].city = "Bergen"
    records.append(frame("id", PROTO_ID, PROTO_GUID, o.SerializeToString(), indexes([0])))
    expected.append({
        "payment_0": {"card": "4111-xxxx", "cash_cents": None},
        "id": 1, "customer": "ann", "amount": 12.5, "ratio": 0.25, "paid": True, "blob": "00ff6162",
        "qty": 4000000000, "delta": -7, "big": -1, "status": "SHIPPED", "tags": ["a", "b"],
        "attrs": {"x": 1, "y": -2}, "ship_to": {"city": "Oslo", "zip": "0150"},
        "lines": [{"sku": "s1", "count": 2}, {"sku": "s2", "count": 0}],
        "created": ms(created1), "note": "leave at door", "maybe": 0, "priority": 0,
        "day": "2024-02-29", "by_zone": {"7": {"city": "Bergen", "zip": ""}}})

    o = Order(id=2)  # everything else unset: proto3 zeros, nulls where there is presence
    records.append(frame("guid", PROTO_ID, PROTO_GUID, o.SerializeToString(), indexes([0])))
    expected.append({
        "payment_0": None, "id": 2, "customer": "", "amount": 0, "ratio": 0, "paid": False,
        "blob": "", "qty": 0, "delta": 0, "big": 0, "status": "NEW", "tags": [], "attrs": {},
        "ship_to": None, "lines": [], "created": None, "note": None, "maybe": None,
        "priority": None, "day": None, "by_zone": {}})

    o = Order(id=-3, customer="bö 😀", amount=-0.5, cash_cents=-250, status=0, priority=-9)
    o.created.FromDatetime(created3.replace(tzinfo=None))
    o.maybe.value = -(2**63)
    records.append(frame("header", PROTO_ID, PROTO_GUID, o.SerializeToString(), indexes([0])))
    expected.append({
        "payment_0": {"card": None, "cash_cents": -250}, "id": -3, "customer": "bö 😀",
        "amount": -0.5, "ratio": 0, "paid": False, "blob": "", "qty": 0, "delta": 0, "big": 0,
        "status": "NEW", "tags": [], "attrs": {}, "ship_to": None, "lines": [],
        "created": ms(created3), "note": None, "maybe": -(2**63), "priority": -9, "day": None,
        "by_zone": {}})

    # The second message of the file (indexes [1]): a schema of its own.
    refund = frame("id", PROTO_ID, PROTO_GUID, Refund(order_id=1, amount=2.5).SerializeToString(),
                   indexes([1]))
    return registry, records, expected, {"refund": (refund, {"order_id": 1, "amount": 2.5})}


JSON_SCHEMA = {
    "title": "shop.Payment", "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "who": {"type": "string"},
        "amount": {"oneOf": [{"type": "null"}, {"type": "number"}]},
        "price": {"type": "number", "title": "org.apache.kafka.connect.data.Decimal",
                  "connect.type": "bytes",
                  "connect.parameters": {"scale": "2", "connect.decimal.precision": "38"}},
        "big": {"type": "number", "title": "org.apache.kafka.connect.data.Decimal",
                "connect.type": "bytes", "connect.parameters": {"scale": "0"}},
        "day": {"type": "string", "format": "date"},
        "at": {"type": "string", "format": "date-time"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "attrs": {"type": "object", "additionalProperties": {"type": "integer"}},
        "addr": {"$ref": "#/definitions/Addr"},
        "small": {"type": "integer", "connect.type": "int32"},
        "ratio": {"type": "number", "connect.type": "float32"},
        "flag": {"type": ["boolean", "null"]},
    },
    "required": ["id", "who", "price", "big", "day", "tags"],
    "definitions": {"Addr": {"type": "object", "properties": {"city": {"type": "string"}},
                             "required": ["city"]}},
}


def json_payload(fields):
    """JSON text with decimals written as exact numbers (json.dumps would go via float)."""
    parts = []
    for k, v in fields.items():
        text = v[1:] if isinstance(v, str) and v.startswith("#") else json.dumps(v, ensure_ascii=False)
        parts.append(json.dumps(k) + ":" + text)
    return ("{" + ",".join(parts) + "}").encode()


def jsonschema_case():
    registry = {str(JSON_ID): {"subject": JSON_SUBJECT, "schemaType": "JSON", "guid": str(JSON_GUID),
                               "schemaText": json.dumps(JSON_SCHEMA)}}
    rows = [
        ("id", {"id": 1, "who": "ann", "amount": 2.5,
                "price": "#12345678901234567890123456789012345.67",
                "big": "#-99999999999999999999999999999999999999", "day": "2024-02-29",
                "at": "2024-02-29T12:00:00.123456Z", "tags": ["a", "b"], "attrs": {"x": 1},
                "addr": {"city": "Oslo"}, "small": -5, "ratio": 0.75, "flag": True},
         {"id": 1, "who": "ann", "amount": 2.5, "price": "#12345678901234567890123456789012345.67",
          "big": "#-99999999999999999999999999999999999999", "day": "2024-02-29",
          "at": 1709208000123, "tags": ["a", "b"], "attrs": {"x": 1}, "addr": {"city": "Oslo"},
          "small": -5, "ratio": 0.75, "flag": True}),
        ("guid", {"id": 2, "who": "bo", "amount": None, "price": "#0.05", "big": "#0",
                  "day": "1970-01-01", "tags": []},
         {"id": 2, "who": "bo", "amount": None, "price": "#0.05", "big": "#0", "day": "1970-01-01",
          "at": None, "tags": [], "attrs": None, "addr": None, "small": None, "ratio": None,
          "flag": None}),
        ("header", {"id": 3, "who": "", "price": "#-1", "big": "#123456789012345678901234567890",
                    "day": "1969-12-31", "tags": ["z"], "attrs": {}, "flag": None,
                    "extra": "ignored"},
         {"id": 3, "who": "", "amount": None, "price": "#-1.00",
          "big": "#123456789012345678901234567890", "day": "1969-12-31", "at": None,
          "tags": ["z"], "attrs": {}, "addr": None, "small": None, "ratio": None, "flag": None}),
    ]
    records, expected = [], []
    for form, payload, want in rows:
        records.append(frame(form, JSON_ID, JSON_GUID, json_payload(payload)))
        expected.append(want)
    return registry, records, expected


def expected_line(row):
    """One JSON line; "#…" strings are exact numbers."""
    return json_payload(row).decode()


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    pb_registry, pb_records, pb_expected, extra = protobuf_case()
    js_registry, js_records, js_expected = jsonschema_case()
    with open(os.path.join(out, "registry.json"), "w") as f:
        json.dump({**pb_registry, **js_registry}, f)
    cases = {"protobuf": (pb_records + [extra["refund"][0]], pb_expected + [extra["refund"][1]]),
             "jsonschema": (js_records, js_expected)}
    for name, (records, expected) in cases.items():
        with open(os.path.join(out, name + ".records"), "w") as f:
            for value, header in records:
                f.write(value.hex() + " " + (header.hex() if header is not None else "-") + "\n")
        with open(os.path.join(out, name + ".expected"), "w") as f:
            for row in expected:
                f.write(expected_line(row) + "\n")


if __name__ == "__main__":
    main()
