#!/usr/bin/env python3
"""Writes the hostile PNG set: small files that each break one rule, plus
MANIFEST.tsv (file, expected result, description) and README.md.

tests/png_hostile.rs decodes every file listed in MANIFEST.tsv and checks
that the result is the expected `DecodeError` variant (or `Ok`). Run from
anywhere: `python3 tests/hostile/gen.py`. Output is deterministic.
"""
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
SIG = b"\x89PNG\r\n\x1a\n"


def chunk(ty, data, crc=None, length=None):
    if crc is None:
        crc = zlib.crc32(ty + data) & 0xFFFFFFFF
    if length is None:
        length = len(data)
    return struct.pack(">I", length) + ty + data + struct.pack(">I", crc)


def ihdr(w, h, depth=8, color=0, comp=0, filt=0, interlace=0):
    return chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, color, comp, filt, interlace))


def raw_rows(w, h, bpp, filt=0, fill=lambda x, y: (x * 7 + y * 13) & 0xFF):
    out = bytearray()
    for y in range(h):
        out.append(filt)
        out += bytes(fill(x, y) for x in range(w * bpp))
    return bytes(out)


def z(data, level=9):
    return zlib.compress(data, level)


IEND = chunk(b"IEND", b"")


def far_match_block():
    """A fixed-Huffman deflate block: literal 0, then a match of length 3 at
    distance 5 although only 1 byte precedes it, then end of block."""
    bits = []

    def put(value, n, msb_first):
        rng = range(n - 1, -1, -1) if msb_first else range(n)
        bits.extend((value >> i) & 1 for i in rng)

    put(1, 1, False)  # BFINAL
    put(1, 2, False)  # BTYPE = fixed Huffman
    put(0x30, 8, True)  # literal 0: codes 0-143 are 0x30 + value, 8 bits
    put(1, 7, True)  # length code 257 (length 3): 7-bit code 0000001
    put(4, 5, True)  # distance code 4 (distances 5-6), 5 bits
    put(0, 1, False)  # its extra bit: distance 5
    put(0, 7, True)  # end of block
    out = bytearray()
    for i in range(0, len(bits), 8):
        out.append(sum(b << k for k, b in enumerate(bits[i:i + 8])))
    return bytes(out)

# A valid 8x8 gray image and its pieces, the base of most cases.
W = H = 8
RAW = raw_rows(W, H, 1)
ZDATA = z(RAW)
HDR = ihdr(W, H)
IDAT = chunk(b"IDAT", ZDATA)
VALID = SIG + HDR + IDAT + IEND

# An 8x8 palette image (4 entries).
PAL = chunk(b"PLTE", bytes([255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9]))
PRAW = raw_rows(W, H, 1, fill=lambda x, y: (x + y) & 3)
PIDAT = chunk(b"IDAT", z(PRAW))
PHDR = ihdr(W, H, 8, 3)

cases = []


def case(name, expected, desc, data):
    cases.append((name + ".png", expected, desc, data))


# --- signature and framing
case("empty", "Truncated", "zero bytes", b"")
case("not_png", "NotPng", "a GIF header", b"GIF89a" + b"\0" * 20)
case("sig_only", "MissingChunk", "the signature and nothing else (IHDR missing)", SIG)
case("sig_cut", "Truncated", "the first 5 signature bytes", SIG[:5])
case("sig_crlf", "NotPng", "signature with CRLF turned into LF", SIG.replace(b"\r\n", b"\n") + HDR + IDAT + IEND)

# --- truncation at every chunk boundary and inside chunks
boundaries = [len(SIG), len(SIG) + len(HDR), len(SIG) + len(HDR) + len(IDAT)]
case("cut_after_sig", "MissingChunk", "ends after the signature", VALID[: boundaries[0]])
case("cut_after_ihdr", "MissingChunk", "ends after IHDR (IDAT missing)", VALID[: boundaries[1]])
case("cut_after_idat", "MissingChunk", "ends after IDAT (IEND missing)", VALID[: boundaries[2]])
case("cut_in_ihdr_header", "Truncated", "ends inside IHDR's length/type", VALID[: boundaries[0] + 6])
case("cut_in_ihdr_data", "Truncated", "ends inside IHDR's data", VALID[: boundaries[0] + 14])
case("cut_in_idat_data", "Truncated", "ends inside IDAT's data", VALID[: boundaries[1] + 20])
case("cut_in_idat_crc", "Truncated", "ends inside IDAT's CRC", VALID[: boundaries[2] - 2])
case("cut_in_iend", "Truncated", "ends inside IEND", VALID[:-3])

# --- CRCs
case("crc_ihdr", "InvalidCrc", "IHDR CRC off by one", SIG + HDR[:-1] + bytes([HDR[-1] ^ 1]) + IDAT + IEND)
case("crc_idat", "InvalidCrc", "IDAT CRC off by one", SIG + HDR + IDAT[:-1] + bytes([IDAT[-1] ^ 1]) + IEND)
case("crc_iend", "InvalidCrc", "IEND CRC wrong", SIG + HDR + IDAT + chunk(b"IEND", b"", crc=0))
case("crc_plte", "InvalidCrc", "PLTE CRC wrong", SIG + PHDR + chunk(b"PLTE", PAL[8:-4], crc=1) + PIDAT + IEND)
case("crc_text_ok", "Ok", "a tEXt chunk with a bad CRC is skipped (ancillary)",
     SIG + HDR + chunk(b"tEXt", b"a\0b", crc=5) + IDAT + IEND)
case("crc_trns_ignored", "Ok", "a tRNS chunk with a bad CRC is discarded, as libpng (OpenCV) does; the png crate 0.18 keeps it",
     SIG + HDR + chunk(b"tRNS", b"\0\7", crc=5) + IDAT + IEND)

# --- chunk lengths
case("len_2g_minus_1", "Truncated", "IDAT length 2^31-1 in a small file",
     SIG + HDR + struct.pack(">I", 0x7FFFFFFF) + b"IDAT" + ZDATA + IEND)
case("len_2g", "ChunkTooLong", "IDAT length 2^31", SIG + HDR + struct.pack(">I", 0x80000000) + b"IDAT" + ZDATA + IEND)
case("len_4g", "ChunkTooLong", "tEXt length 2^32-1", SIG + HDR + struct.pack(">I", 0xFFFFFFFF) + b"tEXt" + IEND)
case("len_ihdr_12", "InvalidChunkLength", "IHDR of 12 bytes",
     SIG + chunk(b"IHDR", struct.pack(">IIBBBB", W, H, 8, 0, 0, 0)) + IDAT + IEND)
case("len_iend_1", "InvalidChunkLength", "IEND with one data byte", SIG + HDR + IDAT + chunk(b"IEND", b"\0"))
case("len_1g_text", "Truncated", "a tEXt chunk claiming 1 GiB", SIG + HDR + struct.pack(">I", 1 << 30) + b"tEXt" + b"x" * 10)
case("bad_chunk_type", "InvalidChunkType", "chunk type with a non-letter (ID@T)", SIG + HDR + chunk(b"ID@T", ZDATA) + IEND)

# --- IHDR fields and sizes
case("huge_dims", "LimitExceeded", "2^31-1 x 2^31-1 RGBA16 (IHDR only)",
     SIG + ihdr(0x7FFFFFFF, 0x7FFFFFFF, 16, 6) + IDAT + IEND)
case("huge_bytes", "LimitExceeded", "2^20 x 2^20 gray: within the dimension limits, 1 TiB of pixels",
     SIG + ihdr(1 << 20, 1 << 20) + IDAT + IEND)
case("huge_interlaced", "LimitExceeded", "65536 x 65536 RGBA16 Adam7 (32 GiB)",
     SIG + ihdr(65536, 65536, 16, 6, interlace=1) + IDAT + IEND)
case("width_2g", "InvalidHeader", "width 2^31", SIG + ihdr(0x80000000, 1) + IDAT + IEND)
case("width_0", "InvalidHeader", "width 0", SIG + ihdr(0, 8) + IDAT + IEND)
case("height_0", "InvalidHeader", "height 0", SIG + ihdr(8, 0) + IDAT + IEND)
case("depth_3", "InvalidHeader", "bit depth 3", SIG + ihdr(8, 8, 3) + IDAT + IEND)
case("rgb_depth_4", "InvalidHeader", "RGB at 4 bits", SIG + ihdr(8, 8, 4, 2) + IDAT + IEND)
case("palette_depth_16", "InvalidHeader", "palette at 16 bits", SIG + ihdr(8, 8, 16, 3) + PAL + IDAT + IEND)
case("color_5", "InvalidHeader", "colour type 5", SIG + ihdr(8, 8, 8, 5) + IDAT + IEND)
case("compression_1", "InvalidHeader", "compression method 1", SIG + ihdr(8, 8, comp=1) + IDAT + IEND)
case("filter_method_1", "InvalidHeader", "filter method 1", SIG + ihdr(8, 8, filt=1) + IDAT + IEND)
case("interlace_2", "InvalidHeader", "interlace method 2", SIG + ihdr(8, 8, interlace=2) + IDAT + IEND)

# --- chunk order and presence
case("no_ihdr", "ChunkOrder", "IDAT first, no IHDR", SIG + IDAT + IEND)
case("ihdr_twice", "ChunkOrder", "a second IHDR before IDAT", SIG + HDR + HDR + IDAT + IEND)
case("ihdr_after_idat", "ChunkOrder", "a second IHDR after IDAT", SIG + HDR + IDAT + HDR + IEND)
case("no_idat", "MissingChunk", "IHDR then IEND", SIG + HDR + IEND)
case("no_iend", "MissingChunk", "no IEND", SIG + HDR + IDAT)
case("no_plte", "MissingChunk", "palette image without PLTE", SIG + PHDR + PIDAT + IEND)
case("idat_after_iend", "TrailingData", "IDAT after IEND", SIG + HDR + IDAT + IEND + IDAT)
case("junk_after_iend", "TrailingData", "one byte after IEND", VALID + b"\0")
half = len(ZDATA) // 2
case("idat_split_by_text", "Zlib", "IDAT, tEXt, IDAT: the stream stops at the first run",
     SIG + HDR + chunk(b"IDAT", ZDATA[:half]) + chunk(b"tEXt", b"a\0b") + chunk(b"IDAT", ZDATA[half:]) + IEND)
case("idat_again_after_text", "ChunkOrder", "a complete IDAT, tEXt, then another IDAT",
     SIG + HDR + IDAT + chunk(b"tEXt", b"a\0b") + chunk(b"IDAT", z(b"")) + IEND)
case("extra_idat_ok", "Ok", "an IDAT after the end of the zlib stream, directly following (ignored)",
     SIG + HDR + IDAT + chunk(b"IDAT", b"\0\0\0") + IEND)
case("unknown_critical", "UnsupportedChunk", "critical chunk 'ABCD'", SIG + HDR + chunk(b"ABCD", b"") + IDAT + IEND)
case("unknown_ancillary_ok", "Ok", "ancillary chunk 'abCD' is skipped", SIG + HDR + chunk(b"abCD", b"xyz") + IDAT + IEND)
case("apng_frames_ok", "Ok", "acTL/fcTL/fdAT chunks are ignored",
     SIG + HDR + chunk(b"acTL", struct.pack(">II", 2, 0)) + IDAT
     + chunk(b"fcTL", struct.pack(">IIIIIHHBB", 1, 8, 8, 0, 0, 1, 1, 0, 0))
     + chunk(b"fdAT", struct.pack(">I", 2) + ZDATA) + IEND)
case("many_empty_idat_ok", "Ok", "the stream spread over 1-byte IDATs with empty ones between",
     SIG + HDR + b"".join(chunk(b"IDAT", ZDATA[i:i + 1]) + chunk(b"IDAT", b"") for i in range(len(ZDATA))) + IEND)

# --- palettes
case("plte_257", "InvalidPalette", "PLTE with 257 entries", SIG + PHDR + chunk(b"PLTE", bytes(771)) + PIDAT + IEND)
case("plte_len_4", "InvalidPalette", "PLTE of 4 bytes", SIG + PHDR + chunk(b"PLTE", bytes(4)) + PIDAT + IEND)
case("plte_empty", "InvalidPalette", "PLTE of 0 bytes", SIG + PHDR + chunk(b"PLTE", b"") + PIDAT + IEND)
case("plte_twice", "ChunkOrder", "two PLTE chunks", SIG + PHDR + PAL + PAL + PIDAT + IEND)
case("plte_after_idat", "ChunkOrder", "PLTE after IDAT (and none before)", SIG + ihdr(W, H, 8, 2) + chunk(b"IDAT", z(raw_rows(W, H, 3))) + PAL + IEND)
case("plte_index_out_of_range_ok", "Ok", "indices beyond the 4 entries decode as black (as the png crate)",
     SIG + PHDR + PAL + chunk(b"IDAT", z(raw_rows(W, H, 1, fill=lambda x, y: 200))) + IEND)
case("trns_too_long_ok", "Ok", "tRNS with more entries than PLTE is ignored",
     SIG + PHDR + PAL + chunk(b"tRNS", bytes(10)) + PIDAT + IEND)

# --- the zlib stream
case("zlib_bomb", "ImageDataLong", "an 8x8 image whose stream inflates to 64 MiB",
     SIG + HDR + chunk(b"IDAT", z(bytes(64 << 20))) + IEND)
case("zlib_bomb_declared", "LimitExceeded", "65536 x 65536 gray (4 GiB) with a bomb stream",
     SIG + ihdr(65536, 65536) + chunk(b"IDAT", z(bytes(16 << 20))) + IEND)
case("zlib_extra_row", "ImageDataLong", "one row more than the image has",
     SIG + HDR + chunk(b"IDAT", z(raw_rows(W, H + 1, 1))) + IEND)
case("zlib_short", "ImageDataShort", "one row less than the image has",
     SIG + HDR + chunk(b"IDAT", z(raw_rows(W, H - 1, 1))) + IEND)
case("zlib_short_interlaced", "ImageDataShort", "an Adam7 image missing its last pass",
     SIG + ihdr(W, H, interlace=1) + chunk(b"IDAT", z(bytes(40))) + IEND)
case("zlib_empty", "ImageDataShort", "an empty zlib stream", SIG + HDR + chunk(b"IDAT", z(b"")) + IEND)
case("zlib_bad_header", "Zlib", "zlib method 7", SIG + HDR + chunk(b"IDAT", b"\x77\x01" + ZDATA[2:]) + IEND)
case("zlib_preset_dict", "Zlib", "zlib FDICT set", SIG + HDR + chunk(b"IDAT", b"\x78\xbb" + ZDATA[2:]) + IEND)
case("zlib_bad_block", "Zlib", "deflate block type 3", SIG + HDR + chunk(b"IDAT", b"\x78\x9c\x07" + ZDATA[3:]) + IEND)
case("zlib_far_distance", "Zlib", "a match reaching before the start of the stream",
     SIG + HDR + chunk(b"IDAT", b"\x78\x01" + far_match_block() + b"\0\0\0\0") + IEND)
case("zlib_truncated", "Zlib", "the stream cut before its final block ends",
     SIG + HDR + chunk(b"IDAT", ZDATA[: len(ZDATA) // 2]) + IEND)
case("zlib_no_adler", "Zlib", "the stream without its Adler-32", SIG + HDR + chunk(b"IDAT", ZDATA[:-4]) + IEND)
bad_adler = ZDATA[:-1] + bytes([ZDATA[-1] ^ 1])
case("zlib_bad_adler", "InvalidAdler", "Adler-32 off by one", SIG + HDR + chunk(b"IDAT", bad_adler) + IEND)
case("bad_filter", "InvalidFilter", "row filter type 5", SIG + HDR + chunk(b"IDAT", z(raw_rows(W, H, 1, filt=5))) + IEND)
case("bad_filter_palette", "InvalidFilter", "row filter type 255 in a palette image",
     SIG + PHDR + PAL + chunk(b"IDAT", z(raw_rows(W, H, 1, filt=255))) + IEND)


def main():
    for f in os.listdir(HERE):
        if f.endswith(".png"):
            os.remove(os.path.join(HERE, f))
    with open(os.path.join(HERE, "MANIFEST.tsv"), "w") as m:
        m.write("file\texpected\tdescription\n")
        for name, expected, desc, data in cases:
            with open(os.path.join(HERE, name), "wb") as f:
                f.write(data)
            m.write(f"{name}\t{expected}\t{desc}\n")
    with open(os.path.join(HERE, "README.md"), "w") as r:
        r.write(
            "# Hostile PNG files\n\n"
            "Written by `gen.py` (deterministic; rerun it after editing). Each file breaks one rule;\n"
            "`tests/png_hostile.rs` checks that `pixb64::png::decode` gives the expected\n"
            "`DecodeError` variant (or `Ok` for the tolerated cases), that it never panics, and that\n"
            "the memory it allocates stays within the `Limits` plus a small constant.\n"
            "`MANIFEST.tsv` is the machine-readable form of this table.\n\n"
            "Most cases start from an 8x8 8-bit gray image (or an 8x8 palette image with 4 entries).\n"
            "Truncation at every byte of several valid files, bit flips and other mutations are\n"
            "generated inside the test instead of being stored here.\n\n"
            "| file | expected | what it does |\n|---|---|---|\n"
        )
        for name, expected, desc, data in cases:
            r.write(f"| `{name}` | `{expected}` | {desc} ({len(data)} bytes) |\n")


if __name__ == "__main__":
    main()
