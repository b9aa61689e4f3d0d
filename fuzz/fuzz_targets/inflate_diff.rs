//! pixb64's own inflater (`pixb64::fuzz_hooks::inflate`), differential
//! against `miniz_oxide` and `fdeflate` on zlib streams: arbitrary bytes,
//! or valid streams (miniz_oxide's deflater, any level, over generated
//! data with runs and copies) with a few bytes changed.
//!
//! Input layout:
//!
//! ```text
//!   [mode] [room: u16 LE] [stride] [rest...]
//! ```
//!
//! `mode` bit 0: 0 = `rest` is the stream; 1 = `rest` is
//! `[n] n x [pos: u16 LE, byte] [program...]`: the program makes data (a
//! byte below 0xc0 is a literal, else `[len] [dist: u16 LE]` copies
//! `3 + len` bytes from `1 + dist % data.len()` back), compressed at level
//! `(mode >> 1) % 11`, then byte `pos % stream.len()` XORed with `byte`
//! n times (n % 4). Bit 6: skip the Adler-32 check. Bit 7: the progress
//! callback overwrites the output no match may read any more. `room`:
//! the output buffer's length (for generated data: the data's length plus
//! `room as i16 % 64`). `stride`: progress every `1 + stride * 256`
//! bytes.
//!
//! The rules: when ours decodes the stream, miniz_oxide and (with the
//! checksum on) fdeflate give the same bytes; when ours reports a full
//! output, miniz_oxide reports more output; when ours rejects the stream,
//! miniz_oxide does too, or, where it is laxer about code trees, fdeflate
//! (whose rules ours follows) does.
#![no_main]

use libfuzzer_sys::fuzz_target;
use miniz_oxide::inflate::TINFLStatus;

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    (b << 16) | a
}

fn generate(prog: &[u8]) -> Vec<u8> {
    let mut data = Vec::new();
    let mut i = 0;
    while i < prog.len() && data.len() < 200_000 {
        let op = prog[i];
        i += 1;
        if op < 0xc0 || data.is_empty() || i + 3 > prog.len() {
            data.push(op);
            continue;
        }
        let len = 3 + usize::from(prog[i]);
        let dist = 1 + usize::from(u16::from_le_bytes([prog[i + 1], prog[i + 2]])) % data.len();
        i += 3;
        for _ in 0..len {
            data.push(data[data.len() - dist]);
        }
    }
    data
}

fuzz_target!(|input: &[u8]| {
    let [mode, r0, r1, stride, rest @ ..] = input else {
        return;
    };
    let room = u16::from_le_bytes([*r0, *r1]);
    let check = mode & 0x40 == 0;
    let scribble = mode & 0x80 != 0;
    let stride = 1 + usize::from(*stride) * 256;
    let (stream, out_len) = if mode & 1 == 0 {
        (rest.to_vec(), usize::from(room))
    } else {
        let Some((&n, mut rest)) = rest.split_first() else {
            return;
        };
        let mut muts = Vec::new();
        for _ in 0..n % 4 {
            if let [a, b, c, r @ ..] = rest {
                muts.push((usize::from(u16::from_le_bytes([*a, *b])), *c));
                rest = r;
            }
        }
        let data = generate(rest);
        let mut z = miniz_oxide::deflate::compress_to_vec_zlib(&data, (mode >> 1) % 11);
        for (p, x) in muts {
            let i = p % z.len();
            z[i] ^= x;
        }
        let delta = (room as i16 % 64) as isize;
        (z, (data.len() as isize + delta).max(0) as usize)
    };

    let mut out = vec![0u8; out_len];
    let (mut ours, mut scribbled) =
        pixb64::fuzz_hooks::inflate(&stream, &mut out, check, stride, scribble);
    // Under `--cfg fuzzing` miniz_oxide and fdeflate skip the Adler-32, so
    // it is checked here: a mismatch ours reports must be one, and a stream
    // ours accepts with the check on must carry the right value.
    let mut adler_bad = false;
    if ours == Err(3) {
        out.fill(0);
        (ours, scribbled) = pixb64::fuzz_hooks::inflate(&stream, &mut out, false, stride, scribble);
        adler_bad = true;
        assert!(matches!(ours, Ok(Some(_))), "Adler-32 error, then {ours:?} without the check");
    }
    let mz = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(&stream, out_len);
    match ours {
        Ok(Some((consumed, written))) => {
            assert!(consumed <= stream.len() && written <= out_len);
            let mz_out = match &mz {
                Ok(v) => v,
                Err(e) if !check && e.status == TINFLStatus::Adler32Mismatch => &e.output,
                Err(e) => panic!("ours decoded {written} bytes, miniz_oxide {:?}", e.status),
            };
            assert_eq!(mz_out.len(), written, "length against miniz_oxide");
            let t = &stream[consumed - 4..consumed];
            let stored = u32::from_be_bytes([t[0], t[1], t[2], t[3]]);
            if adler_bad {
                assert_ne!(adler32(mz_out), stored, "a false Adler-32 mismatch");
            } else if check {
                assert_eq!(adler32(mz_out), stored, "a wrong Adler-32 accepted");
            }
            assert!(
                out[scribbled..written] == mz_out[scribbled..],
                "bytes differ from miniz_oxide"
            );
            {
                match fdeflate::decompress_to_vec_bounded(&stream, 1 << 24) {
                    Ok(v) => assert!(v.len() == written && out[scribbled..written] == v[scribbled..]),
                    Err(_) => panic!("ours decoded the stream, fdeflate did not"),
                }
            }
        }
        Ok(None) => match &mz {
            Err(e) if e.status == TINFLStatus::HasMoreOutput => {}
            other => panic!("ours: output full; miniz_oxide {:?}", other.as_ref().map(|v| v.len()).map_err(|e| e.status)),
        },
        Err(kind) => {
            if let Ok(v) = &mz {
                // miniz_oxide accepts some invalid code trees; fdeflate,
                // whose rules ours follows, must reject the stream.
                let fd = fdeflate::decompress_to_vec_bounded(&stream, 1 << 24);
                assert!(
                    fd.is_err(),
                    "ours rejected ({kind}) a stream both miniz_oxide ({} bytes) and fdeflate accept",
                    v.len()
                );
            }
        }
    }
});
