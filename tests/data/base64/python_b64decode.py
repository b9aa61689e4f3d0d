"""What Python's base64.b64decode (default, validate=False) gives for the
inputs of base64.json and for line-wrapped text: writes
python_b64decode.json, [input, bytes or null]. Run from the repository root:
    python tests/data/base64/python_b64decode.py
"""
import base64
import binascii
import json
import sys

vectors = [v[0] for v in json.load(open("tests/data/base64/base64.json", encoding="utf-8"))]
payload = bytes(range(256)) * 2
b = base64.b64encode(payload).decode()
wrapped = [
    base64.encodebytes(payload).decode(),  # 76 columns, LF after each line
    base64.encodebytes(payload).decode().replace("\n", "\r\n"),
    "\n".join(b[i:i + 64] for i in range(0, len(b), 64)) + "\n",  # PEM
    "  \t" + b + " \r\n\n",
    b[:40] + "\f" + b[40:] + "\n",
    b[:40] + "\x0b" + b[40:],  # vertical tab: Python discards it
    b[:40] + "*" + b[40:],  # not in the alphabet: Python discards it
    b + "\n",  # pixb64 encode's trailing newline
]
out = []
for s in vectors + wrapped:
    try:
        r = list(base64.b64decode(s.encode("utf-8")))
    except (binascii.Error, ValueError):
        r = None
    out.append([s, r])
json.dump(out, open("tests/data/base64/python_b64decode.json", "w"), ensure_ascii=True)
print(f"{len(out)} inputs, Python {sys.version.split()[0]}")
