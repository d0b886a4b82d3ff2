"""Reads an Avro container file with python3-avro (Debian's python3-avro, an independent
implementation) and prints {"codec", "meta", "schema", "records"} as JSON, with values in a
canonical text form: bytes as hex, decimals as strings, dates/times/timestamps in ISO 8601.

python3-avro 1.11 has no zstandard codec without the `zstandard` module (not packaged in
Debian 12); for "zstandard" files this script registers a codec that decompresses each block
with the `zstd` command-line tool, so container parsing, sync markers and datum decoding
are still python3-avro's.

usage: /usr/bin/python3 read_avro.py FILE [EXPECTED_RECORDS_JSON]
With EXPECTED_RECORDS_JSON (a JSON array), exits 1 unless the records equal it, printing
the first difference.
"""
import datetime
import decimal
import io
import json
import subprocess
import sys
import uuid

import avro.codecs
import avro.datafile
import avro.io


class ZstdCliCodec(avro.codecs.Codec):
    @staticmethod
    def compress(data):
        raise NotImplementedError

    @staticmethod
    def decompress(readers_decoder):
        length = readers_decoder.read_long()
        data = readers_decoder.read(length)
        out = subprocess.run(["zstd", "-d", "-c", "-q"], input=data, capture_output=True, check=True)
        return avro.io.BinaryDecoder(io.BytesIO(out.stdout))


if "zstandard" not in avro.codecs.KNOWN_CODECS:
    avro.codecs.KNOWN_CODECS["zstandard"] = ZstdCliCodec


def canon(v):
    if isinstance(v, dict):
        return {k: canon(x) for k, x in v.items()}
    if isinstance(v, list):
        return [canon(x) for x in v]
    if isinstance(v, (bytes, bytearray)):
        return v.hex()
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, datetime.datetime):
        return v.isoformat()
    if isinstance(v, (datetime.date, datetime.time)):
        return v.isoformat()
    if isinstance(v, uuid.UUID):
        return str(v)
    return v


def main():
    with open(sys.argv[1], "rb") as f:
        reader = avro.datafile.DataFileReader(f, avro.io.DatumReader())
        meta = {k: v.decode() for k, v in reader.meta.items() if not k.startswith("avro.")}
        result = {
            "codec": reader.codec,
            "meta": meta,
            "schema": json.loads(reader.meta["avro.schema"].decode()),
            "records": [canon(r) for r in reader],
        }
        reader.close()
    print(json.dumps(result, sort_keys=True))
    if len(sys.argv) > 2:
        expected = json.loads(sys.argv[2])
        got = result["records"]
        if got != expected:
            for i, (g, e) in enumerate(zip(got, expected)):
                if g != e:
                    print(f"record {i} differs:\n got      {json.dumps(g, sort_keys=True)}\n expected {json.dumps(e, sort_keys=True)}", file=sys.stderr)
                    break
            else:
                print(f"{len(got)} records, expected {len(expected)}", file=sys.stderr)
            sys.exit(1)


if __name__ == "__main__":
    main()
