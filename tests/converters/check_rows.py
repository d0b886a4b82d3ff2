"""Compares the rows an independent reader reports with the rows converter_payloads.py
expects, value by value: numbers as exact decimals (so 12.30 == 12.3 but every digit
counts), ISO 8601 timestamps (python3-avro) against epoch milliseconds, maps given as
[{"key", "value"}] lists against objects.

usage: /usr/bin/python3 check_rows.py EXPECTED_JSONL duckdb|avro ACTUAL_FILE
  duckdb  ACTUAL_FILE is what tests/node/duckdb_query.mjs prints for
          `SELECT to_json(t)::VARCHAR AS j FROM (...) t`
  avro    ACTUAL_FILE is what tests/columnar/read_avro.py prints
Exits 0 when equal; else 1, printing the first difference.
"""
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
    if isinstance(expected, decimal.Decimal) and isinstance(actual, (int, float)):
        return decimal.Decimal(repr(actual))
    return actual


def main():
    expected = [json.loads(line, **PARSE) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
    text = open(sys.argv[3], encoding="utf-8").read()
    if sys.argv[2] == "duckdb":
        actual = [json.loads(r["j"], **PARSE) for r in json.loads(text)]
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
