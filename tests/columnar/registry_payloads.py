"""Writes Schema Registry framed Avro values (magic 0, 4-byte big-endian schema id, Avro
binary datum) encoded by python3-avro, an encoder independent of Tributary's, one hex line per
value. The schemas and values are the ones registry_format_test expects.

usage: /usr/bin/python3 registry_payloads.py SCHEMAS_JSON_OUT > payloads.hex
"""
import datetime
import decimal
import io
import json
import struct
import sys

import avro.io
import avro.schema

PAYMENT = {"type": "record", "name": "Payment", "namespace": "shop", "fields": [
    {"name": "id", "type": "long"},
    {"name": "who", "type": "string"},
    {"name": "amount", "type": ["null", "double"], "default": None},
    {"name": "day", "type": {"type": "int", "logicalType": "date"}},
    {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},
    {"name": "tags", "type": {"type": "array", "items": "string"}},
    {"name": "attrs", "type": {"type": "map", "values": "long"}},
    {"name": "addr", "type": ["null", {"type": "record", "name": "Addr", "fields": [
        {"name": "city", "type": "string"}]}], "default": None},
]}

VALUES = [
    {"id": 1, "who": "ann", "amount": 2.5, "day": datetime.date(2024, 2, 29),
     "price": decimal.Decimal("12.30"), "tags": ["a", "b"], "attrs": {"x": 1},
     "addr": {"city": "Oslo"}},
    {"id": 2, "who": "bo", "amount": None, "day": datetime.date(1970, 1, 1),
     "price": decimal.Decimal("-0.05"), "tags": [], "attrs": {}, "addr": None},
    {"id": 3, "who": "", "amount": -1.0, "day": datetime.date(1969, 12, 31),
     "price": decimal.Decimal("9999999.99"), "tags": ["z"], "attrs": {"p": -7, "q": 8},
     "addr": {"city": ""}},
]


def main():
    with open(sys.argv[1], "w") as f:
        json.dump({"7": {"subject": "payments-value", "schema": PAYMENT}}, f)
    schema = avro.schema.parse(json.dumps(PAYMENT))
    writer = avro.io.DatumWriter(schema)
    for value in VALUES:
        buf = io.BytesIO()
        writer.write(value, avro.io.BinaryEncoder(buf))
        print((b"\x00" + struct.pack(">i", 7) + buf.getvalue()).hex())


if __name__ == "__main__":
    main()
