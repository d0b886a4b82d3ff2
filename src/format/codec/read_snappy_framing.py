"""Decodes a file in the snappy framing format (github.com/google/snappy,
framing_format.txt) using python-snappy's block decoder for each chunk.

Usage: read_snappy_framing.py IN OUT. Exit status 1 on a malformed stream.
The framing is parsed here rather than with python-snappy's stream_decompress, which is
broken in Debian 12's python3-snappy 0.5.3 under Python 3.11 (its CRC helper raises
"PY_SSIZE_T_CLEAN macro must be defined"). Chunk CRCs are not checked here; the C++
unit tests check them against RFC 3720's CRC-32C values.
"""
import sys

import snappy


def main(src, dst):
    data = open(src, "rb").read()
    out = bytearray()
    pos = 0
    if data[:10] != b"\xff\x06\x00\x00sNaPpY":
        sys.exit("missing stream identifier")
    while pos < len(data):
        kind = data[pos]
        length = int.from_bytes(data[pos + 1:pos + 4], "little")
        body = data[pos + 4:pos + 4 + length]
        if len(body) != length:
            sys.exit("truncated chunk")
        if kind == 0x00:
            out += snappy.uncompress(body[4:])
        elif kind == 0x01:
            out += body[4:]
        elif kind == 0xFF or 0x80 <= kind <= 0xFD:
            pass  # stream identifier, padding, skippable
        else:
            sys.exit(f"unskippable chunk type {kind:#x}")
        pos += 4 + length
    open(dst, "wb").write(out)


main(sys.argv[1], sys.argv[2])
