"""Writes the leniency set: one small PNG per way a file can go wrong after
(or at the end of) its image data, each a defect met in the wild or a case
that separates decoders. Run from this folder: `python3 make.py`.

The files are committed (zlib's output may differ between versions); the
outcomes libpng gives through OpenCV are in expected.tsv, checked by
.ci/interop/opencv_leniency.py, and pixb64's by tests/png_leniency.rs.
"""
import os, struct, zlib

import numpy as np
out = '.'
def chunk(t, d, crc=None):
    c = zlib.crc32(t + d) if crc is None else crc
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', c & 0xffffffff)
SIG = b'\x89PNG\r\n\x1a\n'
W, H = 13, 7
rng = np.random.default_rng(1)
img = rng.integers(0, 256, (H, W, 3), dtype=np.uint8)
raw = b''.join(b'\x00' + img[y].tobytes() for y in range(H))
ihdr = chunk(b'IHDR', struct.pack('>IIBBBBB', W, H, 8, 2, 0, 0, 0))
z = zlib.compress(raw, 6)
iend = chunk(b'IEND', b'')
def png(idats, tail=iend, pre=b''):
    return SIG + ihdr + pre + b''.join(chunk(b'IDAT', d) for d in idats) + tail
cases = {}
cases['ok'] = png([z])
cases['ok_split'] = png([z[:10], z[10:20], z[20:]])
cases['trailing_garbage'] = png([z]) + b'garbage bytes here'
cases['trailing_zeros'] = png([z]) + b'\0' * 100
cases['chunk_after_iend'] = png([z]) + chunk(b'tEXt', b'a\0b')
cases['idat_after_iend'] = png([z]) + chunk(b'IDAT', b'xx')
cases['iend_bad_crc'] = png([z], chunk(b'IEND', b'', 1234))
cases['iend_nonzero_len'] = png([z], chunk(b'IEND', b'abc'))
cases['iend_truncated'] = png([z], iend[:6])
cases['no_iend'] = png([z], b'')
cases['no_iend_text'] = png([z], chunk(b'tEXt', b'a\0b'))
cases['text_bad_crc_after'] = png([z], chunk(b'tEXt', b'a\0b', 5) + iend)
cases['text_bad_crc_before'] = png([z], iend, chunk(b'tEXt', b'a\0b', 5))
cases['unknown_critical_after'] = png([z], chunk(b'ABCD', b'') + iend)
cases['unknown_critical_before'] = png([z], iend, chunk(b'ABCD', b''))
cases['unknown_ancillary_after'] = png([z], chunk(b'abCd', b'x') + iend)
cases['plte_after_idat'] = png([z], chunk(b'PLTE', b'\0\0\0') + iend)
# surplus: one extra row of data in the stream
raw_extra = raw + b'\x00' + bytes(3 * W)
cases['surplus_rows'] = png([zlib.compress(raw_extra, 6)])
cases['surplus_bytes'] = png([zlib.compress(raw + b'\x00\x01', 6)])
cases['surplus_after_adler'] = png([z + b'junk'])
cases['surplus_idat_after_stream'] = png([z, b'more'])
cases['surplus_idat_after_text'] = png([z], chunk(b'tEXt', b'a\0b') + chunk(b'IDAT', b'more') + iend)
cases['split_idat_text_idat'] = SIG + ihdr + chunk(b'IDAT', z[:20]) + chunk(b'tEXt', b'a\0b') + chunk(b'IDAT', z[20:]) + iend
cases['bad_adler'] = png([z[:-4] + bytes(4)])
cases['no_adler'] = png([z[:-4]])
cases['short_data'] = png([zlib.compress(raw[:-5], 6)])
cases['short_rows'] = png([zlib.compress(raw[:-(3*W+1)], 6)])
cases['stream_cut'] = png([z[:len(z)//2]])
cases['idat_bad_crc'] = SIG + ihdr + chunk(b'IDAT', z, 99) + iend
cases['ihdr_bad_crc'] = SIG + chunk(b'IHDR', struct.pack('>IIBBBBB', W, H, 8, 2, 0, 0, 0), 7) + chunk(b'IDAT', z) + iend
cases['bad_filter'] = png([zlib.compress(b'\x07' + raw[1:], 6)])
cases['truncated_in_idat'] = png([z])[:len(SIG + ihdr) + 8 + len(z)//2]
cases['truncated_in_idat_crc'] = png([z])[:len(SIG + ihdr) + 8 + len(z) + 2]
cases['empty_idat_after'] = png([z, b''])
cases['zlib_bad_header'] = png([b'\x78\x9d' + z[2:]])
cases['zlib_fdict'] = png([b'\x78\xbb' + z[2:]])
zr = zlib.compress(raw_extra, 6)
cases['surplus_rows_bad_adler'] = png([zr[:-4] + bytes(4)])
cases['surplus_rows_no_adler'] = png([zr[:-4]])
cases['surplus_rows_cut'] = png([zr[:-8]])
cases['after_adler_bad_adler'] = png([z[:-4] + bytes(4) + b'junk'])
cases['ihdr_after_idat'] = png([z], ihdr + iend)
cases['iend_cut_at_8'] = png([z], iend[:8])
cases['iend_cut_at_10'] = png([z], iend[:10])
cases['iend_huge_len'] = png([z], b'\x7f\xff\xff\xffIEND')
cases['iend_huge_len_crc'] = png([z], b'\x7f\xff\xff\xffIEND' + bytes(4))
cases['anc_truncated_no_iend'] = png([z], b'\x00\x00\x01\x00tEXtabc')
cases['anc_truncated_before_iend'] = png([z], b'\x00\x00\x01\x00tEXtabc' + iend)
cases['bad_type_after'] = png([z], chunk(b'a#cd', b'') + iend)
cases['garbage_instead_of_iend'] = png([z], b'garbage garbage garbage')
cases['idat_bad_crc_surplus_idat'] = png([z], chunk(b'IDAT', b'more', 5) + iend)
cases['text_bad_crc_then_no_iend'] = png([z], chunk(b'tEXt', b'a\0b', 5))
cases['idat_bad_crc_after_text'] = png([z], chunk(b'tEXt', b'a\0b') + chunk(b'IDAT', b'more', 5) + iend)
cases['last_idat_bad_crc_surplus'] = SIG + ihdr + chunk(b'IDAT', z) + chunk(b'IDAT', b'extra', 9) + iend
cases['data_done_in_first_idat_second_bad_crc'] = SIG + ihdr + chunk(b'IDAT', z[:-4]) + chunk(b'IDAT', z[-4:], 9) + iend
# The same defects on a palette image, which goes through the row pipeline.
PW, PH = 11, 5
pimg = rng.integers(0, 4, (PH, PW), dtype=np.uint8)
praw = b''.join(b'\x00' + pimg[y].tobytes() for y in range(PH))
plte = chunk(b'PLTE', bytes([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255]))
pihdr = chunk(b'IHDR', struct.pack('>IIBBBBB', PW, PH, 8, 3, 0, 0, 0))
def ppng(d, tail=iend):
    return SIG + pihdr + plte + chunk(b'IDAT', d) + tail
cases['palette_ok'] = ppng(zlib.compress(praw, 6))
cases['palette_surplus_rows'] = ppng(zlib.compress(praw + b'\x00' + bytes(PW), 6))
cases['palette_trailing_garbage'] = ppng(zlib.compress(praw, 6)) + b'garbage'
cases['palette_iend_bad_crc'] = ppng(zlib.compress(praw, 6), chunk(b'IEND', b'', 1))
cases['palette_short_rows'] = ppng(zlib.compress(praw[:-(PW + 1)], 6))
for k, v in cases.items():
    open(os.path.join(out, k + '.png'), 'wb').write(v)
