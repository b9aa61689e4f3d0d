#!/usr/bin/env python3
"""Flash and RAM of ELF32 firmware: flash.py ELF... prints, per file,
.text + .rodata (the issue's "flash"), .vector_table, .data and .bss.
Standard library only (no binutils for ARM needed)."""
import struct
import sys


def sections(path):
    with open(path, "rb") as f:
        elf = f.read()
    if elf[:4] != b"\x7fELF" or elf[4] != 1:
        raise SystemExit(f"{path}: not an ELF32 file")
    shoff, = struct.unpack_from("<I", elf, 0x20)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x2E)
    heads = [struct.unpack_from("<IIIIIIIIII", elf, shoff + i * shentsize) for i in range(shnum)]
    strtab = heads[shstrndx]
    names = elf[strtab[4]:strtab[4] + strtab[5]]
    out = {}
    for h in heads:
        name = names[h[0]:names.index(b"\0", h[0])].decode()
        out[name] = out.get(name, 0) + h[5]
    return out


def flash(path):
    s = sections(path)
    return s.get(".text", 0) + s.get(".rodata", 0), s


if __name__ == "__main__":
    for p in sys.argv[1:]:
        total, s = flash(p)
        print(f"{p}: flash {total} (.text {s.get('.text', 0)} + .rodata {s.get('.rodata', 0)}), "
              f".vector_table {s.get('.vector_table', 0)}, .data {s.get('.data', 0)}, .bss {s.get('.bss', 0)}")
