#!/usr/bin/env python3
"""Write a small MaxMind DB (format 2.0) for the geo unit tests.

Debian ships no MaxMind test database, so this builds one from the
published format specification, with the standard library only:
an IPv6 search tree (IPv4 networks live under ::/96), a data section of
maps, strings, integers and booleans, and the metadata map after the
"\\xab\\xcd\\xefMaxMind.com" marker.

usage: make_test_mmdb.py [--record-size 24|28|32] [--pad-data N] OUTPUT

--pad-data puts N unused bytes at the start of the data section, so that
record values pass 2^24 and the 28-bit layout's shared nibble byte is
really exercised.
"""

import argparse
import ipaddress
import struct
import sys
import time

MARKER = b"\xab\xcd\xefMaxMind.com"

# Data types by number, as the specification lists them.
T_POINTER, T_UTF8, T_DOUBLE, T_BYTES, T_U16, T_U32, T_MAP = 1, 2, 3, 4, 5, 6, 7
T_I32, T_U64, T_U128, T_ARRAY, T_BOOL = 8, 9, 10, 11, 14


class U16(int):
    pass


class U64(int):
    pass


def names(en):
    return {"en": en}


# Each network, and what the geo tests expect of it.
NETWORKS = [
    # GeoLite2-Country layout: country and registered_country.
    ("81.2.69.0/24", {
        "continent": {"code": "EU", "geoname_id": 6255148,
                      "names": names("Europe")},
        "country": {"geoname_id": 2635167, "iso_code": "GB",
                    "names": names("United Kingdom")},
        "registered_country": {"geoname_id": 2635167, "iso_code": "GB",
                               "names": names("United Kingdom")},
    }),
    ("2001:db8::/32", {
        "country": {"geoname_id": 2921044, "iso_code": "DE",
                    "names": names("Germany")},
    }),
    # Only the registered country is known (anycast, satellite...).
    ("1.2.3.0/24", {
        "registered_country": {"geoname_id": 6252001, "iso_code": "US",
                               "names": names("United States")},
    }),
    # DB-IP country lite layout, with a boolean and a City-style record.
    ("5.6.7.0/24", {
        "continent": {"code": "EU", "names": names("Europe")},
        "country": {"iso_code": "FR", "is_in_european_union": True,
                    "names": names("France")},
        "city": {"names": names("Paris")},
        "location": {"latitude": 48.8566, "longitude": 2.3522},
    }),
    # A lower-case code is accepted and upper-cased.
    ("9.9.9.0/24", {"country": {"iso_code": "nl"}}),
    # Malformed or missing codes are not found.
    ("192.0.2.0/24", {"country": {"iso_code": "XYZ"}}),
    ("198.51.100.0/24", {"city": {"names": names("Nowhere")}}),
    ("203.0.113.0/24", {"country": {"iso_code": 42}}),
]


def control(dtype, size):
    """The control byte(s) of a field: type and payload size."""
    if size < 29:
        bits, ext = size, b""
    elif size < 29 + 256:
        bits, ext = 29, bytes([size - 29])
    elif size < 285 + 65536:
        bits, ext = 30, (size - 285).to_bytes(2, "big")
    else:
        bits, ext = 31, (size - 65821).to_bytes(3, "big")
    if dtype <= 7:
        return bytes([(dtype << 5) | bits]) + ext
    # extended types: type 0 in the control byte, type - 7 next
    return bytes([bits, dtype - 7]) + ext


def encode(value):
    if isinstance(value, bool):
        return control(T_BOOL, int(value))
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return control(T_UTF8, len(raw)) + raw
    if isinstance(value, float):
        return control(T_DOUBLE, 8) + struct.pack(">d", value)
    if isinstance(value, int):
        if value < 0:
            raise ValueError("negative integers are not needed here")
        raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
        if isinstance(value, U16):
            return control(T_U16, len(raw)) + raw
        if isinstance(value, U64):
            return control(T_U64, len(raw)) + raw
        return control(T_U32, len(raw)) + raw
    if isinstance(value, dict):
        out = control(T_MAP, len(value))
        for k, v in value.items():
            out += encode(k) + encode(v)
        return out
    if isinstance(value, list):
        out = control(T_ARRAY, len(value))
        for v in value:
            out += encode(v)
        return out
    raise TypeError("cannot encode %r" % (value,))


class Node:
    def __init__(self):
        self.rec = [None, None]    # None, Node, or int (data offset)


def build_tree(networks, pad):
    """Binary trie over the 128 address bits; returns (nodes, data)."""
    root = Node()
    nodes = [root]
    data = bytes(pad)
    for cidr, record in networks:
        net = ipaddress.ip_network(cidr)
        if net.version == 4:
            bits = int(net.network_address)
            plen = 96 + net.prefixlen
        else:
            bits = int(net.network_address)
            plen = net.prefixlen
        offset = len(data)
        data += encode(record)
        cur = root
        for depth in range(plen):
            bit = (bits >> (127 - depth)) & 1
            if depth == plen - 1:
                if cur.rec[bit] is not None:
                    raise ValueError("%s overlaps another network" % cidr)
                cur.rec[bit] = offset
            else:
                nxt = cur.rec[bit]
                if nxt is None:
                    nxt = Node()
                    nodes.append(nxt)
                    cur.rec[bit] = nxt
                elif not isinstance(nxt, Node):
                    raise ValueError("%s is inside another network" % cidr)
                cur = nxt
    return nodes, data


def record_value(rec, index, node_count):
    if rec is None:
        return node_count                   # "no data"
    if isinstance(rec, Node):
        return index[id(rec)]
    return node_count + 16 + rec            # pointer into the data section


def write_tree(nodes, record_size):
    index = {id(n): i for i, n in enumerate(nodes)}
    count = len(nodes)
    limit = 1 << record_size
    out = bytearray()
    for n in nodes:
        left = record_value(n.rec[0], index, count)
        right = record_value(n.rec[1], index, count)
        if left >= limit or right >= limit:
            raise ValueError("record does not fit in %d bits" % record_size)
        if record_size == 24:
            out += left.to_bytes(3, "big") + right.to_bytes(3, "big")
        elif record_size == 28:
            # the middle byte holds the high nibbles, left's first
            out += (left & 0xFFFFFF).to_bytes(3, "big")
            out.append(((left >> 24) & 0x0F) << 4 | ((right >> 24) & 0x0F))
            out += (right & 0xFFFFFF).to_bytes(3, "big")
        elif record_size == 32:
            out += left.to_bytes(4, "big") + right.to_bytes(4, "big")
        else:
            raise ValueError("record size must be 24, 28 or 32")
    return bytes(out)


def build(record_size, pad):
    nodes, data = build_tree(NETWORKS, pad)
    meta = {
        "node_count": len(nodes),
        "record_size": U16(record_size),
        "ip_version": U16(6),
        "database_type": "TrackR-Test-Country",
        "languages": ["en"],
        "binary_format_major_version": U16(2),
        "binary_format_minor_version": U16(0),
        "build_epoch": U64(int(time.time())),
        "description": {"en": "TrackR unit test database"},
    }
    return (write_tree(nodes, record_size) + bytes(16) + data +
            MARKER + encode(meta))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--record-size", type=int, default=24,
                    choices=(24, 28, 32))
    ap.add_argument("--pad-data", type=int, default=0, metavar="N")
    ap.add_argument("output")
    args = ap.parse_args()
    blob = build(args.record_size, args.pad_data)
    with open(args.output, "wb") as f:
        f.write(blob)
    return 0


if __name__ == "__main__":
    sys.exit(main())
