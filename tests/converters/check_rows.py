"""Compares the rows an independent reader reports with the rows converter_payloads.py
expects, value by value: numbers as exact decimals (so 12.30 == 12.3 but every digit
counts), ISO 8601 timestamps (python3-avro) against epoch milliseconds, maps given as
[{"key", "value"}] lists against objects.

usage: /usr/bin/python3 check_rows.py EXPECTED_JSONL duckdb|avro|jsonl ACTUAL_FILE [MICROS]
  duckdb  ACTUAL_FILE is what tests/node/duckdb_query.mjs prints for
          `SELECT to_json(t)::VARCHAR AS j FROM (...) t`
  avro    ACTUAL_FILE is what tests/columnar/read_avro.py prints
  jsonl   ACTUAL_FILE is JsonFormat output (Connect's JSON: dates as day counts, bytes as
          base64); MICROS: comma-separated top-level fields written in microseconds
          (timestamp-micros columns), compared with the expected milliseconds
Exits 0 when equal; else 1, printing the first difference.
"""
import base64
import binascii
import datetime
import decimal
import json
import sys

PARSE = dict(parse_float=decimal.Decimal, parse_int=decimal.Decimal)


def norm(expected, actual):
    """`actual` brought to the form of `expected` where the readers' forms differ."""
    if isinstance(expected, dict) and isinstance(actual, list) and all(
            isinstance(x, dict) and set(x) == {"key", "value"} for x in actual):
        actual = {str(x["key"]): x["value"] for x in actual}
    if isinstance(expected, dict) and isinstance(actual, dict):
        return {k: norm(expected.get(k), v) for k, v in actual.items()}
    if isinstance(expected, list) and isinstance(actual, list):
        return [norm(e, a) for e, a in zip(expected, actual)] + actual[len(expected):]
    if isinstance(expected, decimal.Decimal) and isinstance(actual, str):
        try:
            t = datetime.datetime.fromisoformat(actual)
            d = t - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
            return decimal.Decimal(d.days * 86400000 + d.seconds * 1000 + d.microseconds // 1000)
        except ValueError:
            return decimal.Decimal(actual)
    if isinstance(expected, str) and isinstance(actual, decimal.Decimal) and len(expected) == 10:
        try:  # a date as Connect's JSON writes it: days since 1970-01-01
            datetime.date.fromisoformat(expected)
            return (datetime.date(1970, 1, 1) + datetime.timedelta(days=int(actual))).isoformat()
        except ValueError:
            return actual
    if isinstance(expected, str) and isinstance(actual, str) and expected != actual:
        try:  # bytes as base64 against the expected hex
            return base64.b64decode(actual, validate=True).hex()
        except (binascii.Error, ValueError):
            return actual
    if isinstance(expected, decimal.Decimal) and isinstance(actual, (int, float)):
        return decimal.Decimal(repr(actual))
    return actual


def main():
    expected = [json.loads(line, **PARSE) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
    text = open(sys.argv[3], encoding="utf-8").read()
    if sys.argv[2] == "duckdb":
        actual = [json.loads(r["j"], **PARSE) for r in json.loads(text)]
    elif sys.argv[2] == "jsonl":
        actual = [json.loads(line, **PARSE) for line in text.splitlines() if line.strip()]
        for field in (sys.argv[4].split(",") if len(sys.argv) > 4 else []):
            for row in actual:
                if row.get(field) is not None:
                    row[field] = row[field] // 1000
    else:
        actual = json.loads(text, **PARSE)["records"]
    for i, (e, a) in enumerate(zip(expected, actual)):
        a = norm(e, a)
        if e != a:
            keys = set(e) | set(a) if isinstance(e, dict) and isinstance(a, dict) else set()
            diff = sorted(k for k in keys if e.get(k, "<absent>") != a.get(k, "<absent>"))
            print(f"row {i} differs in {diff}:\n expected {e}\n actual   {a}", file=sys.stderr)
            sys.exit(1)
    if len(expected) != len(actual):
        print(f"{len(actual)} rows, expected {len(expected)}", file=sys.stderr)
        sys.exit(1)
    print(f"{len(actual)} rows equal")


if __name__ == "__main__":
    main()
