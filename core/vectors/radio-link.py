"""Writes radio-link.json: test vectors for the UART link of docs/radio-link.md.

An implementation independent of the C code under test: COBS by splitting the input at its zero
bytes (the C encoder walks byte by byte), CRC-16/CCITT-FALSE from Python's binascii.crc_hqx with
initial value 0xFFFF, and the message layout written from docs/radio-link.md.

Run: python3 core/vectors/radio-link.py   (rewrites core/vectors/radio-link.json)
"""
import binascii
import json
import os
import random
import struct

SEED = 20261204


def cobs_encode(data: bytes) -> bytes:
    """COBS without the delimiter; a run of 254 bytes at the very end gets no extra 0x01."""
    pieces = data.split(b"\x00")
    out = bytearray()
    for index, piece in enumerate(pieces):
        is_last = index == len(pieces) - 1
        while len(piece) >= 254:
            out.append(0xFF)
            out += piece[:254]
            piece = piece[254:]
            if not piece and is_last:
                return bytes(out)
        out.append(len(piece) + 1)
        out += piece
    return bytes(out)


def crc16(data: bytes) -> int:
    return binascii.crc_hqx(data, 0xFFFF)


def wire(raw_without_crc: bytes) -> tuple[bytes, bytes]:
    raw = raw_without_crc + struct.pack("<H", crc16(raw_without_crc))
    return raw, cobs_encode(raw) + b"\x00"


def message_vectors() -> list[dict]:
    frame = bytes([0x01, 0x03, 0x00, 0x00, 0xFF])
    long_frame = bytes((i * 7 + 3) % 256 for i in range(250))
    cases = [
        ("frame-in with zero bytes", {"type": "frame-in", "mac": "02000000 4e21".replace(" ", ""), "rssi": -50, "frame": frame.hex()},
         bytes([0x01]) + bytes.fromhex("020000004e21") + struct.pack("<b", -50) + frame),
        ("frame-in of 250 bytes", {"type": "frame-in", "mac": "a0b1c2d3e4f5", "rssi": -91, "frame": long_frame.hex()},
         bytes([0x01]) + bytes.fromhex("a0b1c2d3e4f5") + struct.pack("<b", -91) + long_frame),
        ("frame-out to broadcast", {"type": "frame-out", "message_id": 0x1234, "mac": "ffffffffffff", "frame": frame.hex()},
         bytes([0x02]) + struct.pack("<H", 0x1234) + bytes.fromhex("ffffffffffff") + frame),
        ("frame-out of 250 bytes", {"type": "frame-out", "message_id": 65535, "mac": "020000004e22", "frame": long_frame.hex()},
         bytes([0x02]) + struct.pack("<H", 65535) + bytes.fromhex("020000004e22") + long_frame),
        ("send-status ok", {"type": "send-status", "message_id": 7, "status": 0},
         bytes([0x03]) + struct.pack("<HB", 7, 0)),
        ("send-status failed", {"type": "send-status", "message_id": 0x0100, "status": 1},
         bytes([0x03]) + struct.pack("<HB", 0x0100, 1)),
        ("heartbeat", {"type": "heartbeat", "uptime_sec": 86400},
         bytes([0x04]) + struct.pack("<I", 86400)),
        ("heartbeat at the counter's top", {"type": "heartbeat", "uptime_sec": 0xFFFFFFFF},
         bytes([0x04]) + struct.pack("<I", 0xFFFFFFFF)),
        ("version asking for a reply", {"type": "version", "flags": 1, "protocol_version": 1, "firmware": [1, 2, 3]},
         bytes([0x05, 0x01, 0x01, 0x01, 0x02, 0x03])),
        ("version without a request", {"type": "version", "flags": 0, "protocol_version": 1, "firmware": [0, 0, 0]},
         bytes([0x05, 0x00, 0x01, 0x00, 0x00, 0x00])),
    ]
    vectors = []
    for name, fields, raw_without_crc in cases:
        raw, encoded = wire(raw_without_crc)
        vectors.append({"name": name, **fields, "raw": raw.hex(), "wire": encoded.hex()})
    return vectors


def cobs_vectors(rng: random.Random) -> list[dict]:
    fixed = [
        ("empty", b""),
        ("one zero", b"\x00"),
        ("two zeros", b"\x00\x00"),
        ("zero in the middle", bytes.fromhex("11220033")),
        ("no zero", bytes.fromhex("11223344")),
        ("trailing zeros", bytes.fromhex("11000000")),
        ("253 non-zero bytes", bytes(range(1, 254))),
        ("254 non-zero bytes", bytes(range(1, 255))),
        ("zero then 254 non-zero bytes", b"\x00" + bytes(range(1, 255))),
        ("255 non-zero bytes", bytes(range(1, 256))),
        ("254 non-zero bytes then a zero", bytes(range(1, 255)) + b"\x00"),
        ("255 bytes ending in a zero", bytes(range(2, 256)) + b"\x00"),
        ("508 non-zero bytes", bytes((i % 255) + 1 for i in range(508))),
        ("509 non-zero bytes", bytes((i % 255) + 1 for i in range(509))),
    ]
    vectors = [{"name": name, "decoded": data.hex(), "encoded": cobs_encode(data).hex()} for name, data in fixed]
    for i in range(40):
        length = rng.randrange(0, 600)
        zero_share = rng.choice([0.0, 0.01, 0.2, 0.9])
        data = bytes(0 if rng.random() < zero_share else rng.randrange(1, 256) for _ in range(length))
        vectors.append({"name": f"random {i} (seed {SEED})", "decoded": data.hex(), "encoded": cobs_encode(data).hex()})
    return vectors


def crc_vectors(rng: random.Random) -> list[dict]:
    vectors = [
        {"name": "check value", "data": b"123456789".hex(), "crc": 0x29B1},
        {"name": "empty", "data": "", "crc": crc16(b"")},
    ]
    for i in range(10):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))
        vectors.append({"name": f"random {i} (seed {SEED})", "data": data.hex(), "crc": crc16(data)})
    return vectors


def main() -> None:
    rng = random.Random(SEED)
    document = {
        "source": "core/vectors/radio-link.py: COBS by splitting at zero bytes, CRC-16/CCITT-FALSE from "
                  "Python's binascii.crc_hqx(data, 0xFFFF), message layout from docs/radio-link.md; "
                  "the CRC check value 0x29B1 is the published one for ASCII 123456789",
        "cobs": cobs_vectors(rng),
        "crc": crc_vectors(rng),
        "messages": message_vectors(),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "radio-link.json")
    with open(path, "w", encoding="utf-8") as out:
        json.dump(document, out, indent=1)
        out.write("\n")


if __name__ == "__main__":
    main()
