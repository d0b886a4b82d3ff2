"""Compares rows read by Tributary's columnar readers with the rows an independent tool
reports, value by value: numbers compare as exact decimals (12.30 == 12.3, 1 == 1.0), so
a writer's number formatting does not matter but every digit does.

usage: /usr/bin/python3 compare_rows.py EXPECTED ACTUAL
  EXPECTED  JSON lines, or a JSON array of {"j": "<row as JSON text>"} (what
            tests/node/duckdb_query.mjs prints for `SELECT to_json(...)::VARCHAR AS j`)
  ACTUAL    JSON lines (one row per line)
Exits 0 when equal; else 1, printing the first difference.
"""
import decimal
import json
import sys


def load(path):
    text = open(path, encoding="utf-8").read()
    parse = dict(parse_float=decimal.Decimal, parse_int=decimal.Decimal)
    if text.lstrip().startswith("["):
        return [json.loads(r["j"], **parse) for r in json.loads(text)]
    return [json.loads(line, **parse) for line in text.splitlines() if line.strip()]


def main():
    expected, actual = load(sys.argv[1]), load(sys.argv[2])
    for i, (e, a) in enumerate(zip(expected, actual)):
        if e != a:
            print(f"row {i} differs:\n expected {e}\n actual   {a}", file=sys.stderr)
            sys.exit(1)
    if len(expected) != len(actual):
        print(f"{len(actual)} rows, expected {len(expected)}", file=sys.stderr)
        sys.exit(1)
    print(f"{len(actual)} rows equal")


if __name__ == "__main__":
    main()
