//! End-to-end tests of the image, data: URI, info and bench parts of `pixb64`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use base64::Engine as _;

const BIN: &str = env!("CARGO_BIN_EXE_pixb64");

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data")
        .join(rel)
}

fn run_env(args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    out
}

fn run(args: &[&str], stdin: &[u8]) -> Output {
    run_env(args, stdin, &[])
}

fn ok(out: &Output) -> Vec<u8> {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout.clone()
}

fn fails(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(1), "stdout: {:?}", out.stdout);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(err.lines().count(), 1, "{err:?}");
    assert!(
        err.starts_with("pixb64: ") && !err.contains("panicked"),
        "{err}"
    );
    err
}

/// Decodes a PNG file with the `png` crate (EXPAND): (w, h, channels, bit depth, pixels).
fn png_pixels(file: &[u8]) -> (u32, u32, usize, u8, Vec<u8>) {
    let mut d = png::Decoder::new(std::io::Cursor::new(file));
    d.set_transformations(png::Transformations::EXPAND);
    let mut r = d.read_info().unwrap();
    let mut buf = vec![0; r.output_buffer_size().unwrap()];
    let info = r.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    let (ct, depth) = r.output_color_type();
    (info.width, info.height, ct.samples(), depth as u8, buf)
}

fn pseudo(n: usize) -> Vec<u8> {
    (0..n).map(|i| ((i * 2654435761usize) >> 7) as u8).collect()
}

#[test]
fn encode_forms_match_the_base64_crate() {
    use base64::engine::general_purpose as gp;
    let input = pseudo(1000);
    let text = |args: &[&str]| String::from_utf8(ok(&run(args, &input))).unwrap();
    assert_eq!(
        text(&["encode", "--url-safe"]),
        gp::URL_SAFE.encode(&input) + "\n"
    );
    assert_eq!(
        text(&["encode", "--no-pad"]),
        gp::STANDARD_NO_PAD.encode(&input) + "\n"
    );
    assert_eq!(
        text(&["encode", "--url-safe", "--no-pad"]),
        gp::URL_SAFE_NO_PAD.encode(&input) + "\n"
    );
    let wrapped = text(&["encode", "--wrap", "76"]);
    let flat = gp::STANDARD.encode(&input);
    let want: Vec<&str> = flat
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    assert_eq!(wrapped, want.join("\n") + "\n");
    // Every form decodes back (URL-safe with --url-safe).
    assert_eq!(ok(&run(&["decode"], wrapped.as_bytes())), input);
    let url = text(&["encode", "--url-safe", "--no-pad", "--wrap", "10"]);
    assert_eq!(
        ok(&run(&["decode", "--url-safe", "--no-pad"], url.as_bytes())),
        input
    );
    let e = fails(&run(&["decode", "--url-safe"], url.as_bytes()));
    assert!(e.contains("invalid padding"), "{e}");
}

#[test]
fn data_uri_encode_sniffs_and_round_trips() {
    let png_file = std::fs::read(data("pngsuite/basn2c08.png")).unwrap();
    for (bytes, mime) in [
        (png_file.clone(), "image/png"),
        (b"\xFF\xD8\xFF\xE0 not really a jpeg".to_vec(), "image/jpeg"),
        (b"plain text\n".to_vec(), "text/plain;charset=utf-8"),
        (vec![0u8, 1, 2, 3, 255], "application/octet-stream"),
    ] {
        let uri = String::from_utf8(ok(&run(&["encode", "--data-uri"], &bytes))).unwrap();
        let prefix = format!("data:{mime};base64,");
        assert!(uri.starts_with(&prefix), "{uri}");
        assert_eq!(
            uri.trim_end(),
            prefix + &base64::engine::general_purpose::STANDARD.encode(&bytes)
        );
        assert_eq!(ok(&run(&["decode"], uri.as_bytes())), bytes);
    }
    let uri = ok(&run(&["encode", "--data-uri", "--mime", "x/y"], b"abc"));
    assert_eq!(uri, b"data:x/y;base64,YWJj\n");
}

#[test]
fn decode_follows_the_wpt_data_url_vectors() {
    let vectors: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(data("base64/data-urls.json")).unwrap())
            .unwrap();
    for v in &vectors {
        let input = v[0].as_str().unwrap();
        let out = run(&["decode"], input.as_bytes());
        if v[1].is_null() {
            let err = fails(&out);
            assert!(err.contains("data: URL"), "{input:?}: {err}");
        } else {
            let want: Vec<u8> = v[2]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap() as u8)
                .collect();
            assert_eq!(ok(&out), want, "{input:?}");
        }
    }
}

#[test]
fn png_from_every_input_kind_is_lossless() {
    // PNG inputs (8- and 16-bit, gray, palette, alpha) re-encoded at several levels.
    for name in [
        "basn0g01.png",
        "basn2c16.png",
        "basn3p04.png",
        "basn4a08.png",
        "basn6a16.png",
    ] {
        let file = std::fs::read(data(&format!("pngsuite/{name}"))).unwrap();
        let want = png_pixels(&file);
        for level in ["0", "1", "6"] {
            let b64 = ok(&run(&["encode", "--png", "--level", level], &file));
            let back = ok(&run(&["decode"], &b64));
            assert_eq!(png_pixels(&back), want, "{name} level {level}");
            let raw = ok(&run(&["decode", "--to", "raw"], &b64));
            assert_eq!(raw, want.4, "{name} level {level} --to raw");
        }
    }
    // Netpbm in, netpbm out: byte-exact.
    let (w, h) = (5u32, 3u32);
    let rgb = pseudo((w * h * 3) as usize);
    let mut ppm = format!("P6\n{w} {h}\n255\n").into_bytes();
    ppm.extend_from_slice(&rgb);
    let b64 = ok(&run(&["encode", "--png"], &ppm));
    assert_eq!(ok(&run(&["decode", "--to", "ppm"], &b64)), ppm);
    // BGR input: the PNG holds RGB.
    let bgr = ok(&run(&["encode", "--png", "--bgr"], &ppm));
    let back = ok(&run(&["decode", "--to", "raw"], &bgr));
    let swapped: Vec<u8> = rgb.chunks(3).flat_map(|p| [p[2], p[1], p[0]]).collect();
    assert_eq!(back, swapped);
    // Raw pixels, 16-bit gray+alpha, out as PAM.
    let raw16 = pseudo(4 * 2 * 2 * 2);
    let b64 = ok(&run(&["encode", "--png", "--raw", "4x2x2x16"], &raw16));
    let pam = ok(&run(&["decode", "--to", "pam"], &b64));
    let head = b"P7\nWIDTH 4\nHEIGHT 2\nDEPTH 2\nMAXVAL 65535\nTUPLTYPE GRAYSCALE_ALPHA\nENDHDR\n";
    assert_eq!(&pam[..head.len()], head);
    assert_eq!(&pam[head.len()..], &raw16[..]);
    // A data URI of the PNG, decoded to a PNG file.
    let uri = ok(&run(&["encode", "--png", "--data-uri"], &ppm));
    assert!(uri.starts_with(b"data:image/png;base64,iVBORw0KGgo"));
    let png_out = ok(&run(&["decode", "--to", "png"], &uri));
    assert_eq!(png_pixels(&png_out).4, rgb);
}

#[test]
fn info_reports_exact_sizes() {
    let file = std::fs::read(data("pngsuite/basn2c08.png")).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD.encode(&file);
    let uri = format!("data:image/png;base64,{b64}");
    for (input, source) in [
        (file.clone(), "png"),
        (b64.clone().into_bytes(), "base64"),
        (uri.clone().into_bytes(), "data-uri"),
    ] {
        let j: serde_json::Value =
            serde_json::from_slice(&ok(&run(&["info", "--json"], &input))).unwrap();
        assert_eq!(j["source"], source);
        assert_eq!(
            (j["width"].as_u64(), j["height"].as_u64()),
            (Some(32), Some(32))
        );
        assert_eq!(
            (j["channels"].as_u64(), j["depth"].as_u64()),
            (Some(3), Some(8))
        );
        assert_eq!(j["raw_bytes"].as_u64(), Some(32 * 32 * 3));
        assert_eq!(j["png_bytes"].as_u64(), Some(file.len() as u64));
        assert_eq!(j["base64_bytes"].as_u64(), Some(b64.len() as u64));
        assert_eq!(j["data_uri_bytes"].as_u64(), Some(uri.len() as u64));
        let text = String::from_utf8(ok(&run(&["info"], &input))).unwrap();
        assert!(text.contains("32x32, 3 channels, 8-bit"), "{text}");
        assert!(
            text.contains(&format!("PNG        {} bytes", file.len())),
            "{text}"
        );
    }
}

#[test]
fn image_errors_are_one_line() {
    let e = fails(&run(&["encode", "--png"], b"hello"));
    assert_eq!(
        e,
        "pixb64: stdin is not an image pixb64 reads (PNG, JPEG, PGM/PPM/PAM; or give --raw WxHxC): it starts with 68 65 6C 6C 6F\n"
    );
    let e = fails(&run(&["encode", "--png", "--raw", "2x2x3"], b"short"));
    assert!(e.contains("raw pixels"), "{e}");
    let e = fails(&run(&["decode", "--to", "png"], b"aGVsbG8="));
    assert_eq!(
        e,
        "pixb64: the data decoded from stdin is not an image pixb64 reads (PNG, JPEG, PGM/PPM/PAM): it starts with 68 65 6C 6C 6F\n"
    );
    let e = fails(&run(&["decode"], b"data:image/png;base64,iVBO!"));
    assert_eq!(
        e,
        "pixb64: data: URL in stdin: base64 after the ',': invalid byte 0x21 ('!') at offset 4\n"
    );
    let e = fails(&run(&["info"], b"data:nocomma"));
    assert_eq!(e, "pixb64: data: URL in stdin: no ',' before its body\n");
    let mut bad = std::fs::read(data("pngsuite/basn2c08.png")).unwrap();
    bad[20] ^= 0xFF; // the IHDR's height
    let e = fails(&run(&["info"], &bad));
    assert!(e.contains("PNG") && e.contains("CRC"), "{e}");
    let out = run(&["encode", "--png", "--level", "12"], b"");
    assert_eq!(out.status.code(), Some(2));
}

/// `info` reads the header only: a file cut after its first IDAT chunk's
/// type, or with damaged image data, gives the whole file's dimensions, and
/// the sizes count every byte of the input.
#[test]
fn info_reads_the_header_only() {
    let file = std::fs::read(data("pngsuite/basn2c08.png")).unwrap();
    let whole = String::from_utf8(ok(&run(&["info", "--json"], &file))).unwrap();
    assert!(
        whole.contains("\"width\":32,\"height\":32,\"channels\":3"),
        "{whole}"
    );
    assert!(
        whole.contains(&format!("\"png_bytes\":{}", file.len())),
        "{whole}"
    );
    let mut bad = file.clone();
    let n = bad.len();
    bad[n - 20] ^= 0xFF; // inside the IDAT data or its CRC
    assert_eq!(
        String::from_utf8(ok(&run(&["info", "--json"], &bad))).unwrap(),
        whole
    );
    let at = file.windows(4).position(|w| w == b"IDAT").unwrap() + 4;
    let cut = String::from_utf8(ok(&run(&["info", "--json"], &file[..at]))).unwrap();
    assert!(
        cut.contains("\"width\":32,\"height\":32,\"channels\":3"),
        "{cut}"
    );
    assert!(cut.contains(&format!("\"png_bytes\":{at},")), "{cut}");
    // Through base64, the decoded bytes are counted.
    let text = base64::engine::general_purpose::STANDARD.encode(&file);
    let b64 = String::from_utf8(ok(&run(&["info", "--json"], text.as_bytes()))).unwrap();
    assert!(
        b64.contains(&format!("\"png_bytes\":{}", file.len())),
        "{b64}"
    );
    // An image larger than what `info` keeps: 3000 x 2000 pixels of noise.
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let noise = (0..3000 * 2000 * 3)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    let big = pixb64::ImageBuf::new(3000, 2000, 3, noise).unwrap();
    let big = pixb64::png::encode(&big.as_image(), &pixb64::png::EncodeOptions::new());
    assert!(big.len() > 2 << 20);
    let facts = String::from_utf8(ok(&run(&["info", "--json"], &big))).unwrap();
    assert!(facts.contains("\"width\":3000,\"height\":2000"), "{facts}");
    assert!(
        facts.contains(&format!("\"png_bytes\":{},", big.len())),
        "{facts}"
    );
}

#[test]
fn bench_lists_backends_and_levels() {
    let out = ok(&run_env(&["bench"], b"", &[("PIXB64_BENCH_QUICK", "1")]));
    let text = String::from_utf8(out).unwrap();
    for &b in pixb64::base64::Backend::ALL {
        assert_eq!(
            text.contains(&format!("| {b} |")),
            b.is_available(),
            "{b}: {text}"
        );
    }
    for level in 0..=9 {
        assert!(
            text.contains(&format!("\n| {level} | ")),
            "level {level}: {text}"
        );
    }
}

/// A PNG whose IHDR says `w` x `h` RGB and whose one IDAT holds too little.
fn header_only_png(w: u32, h: u32) -> Vec<u8> {
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    for (ty, data) in [
        (&b"IHDR"[..], &ihdr[..]),
        (b"IDAT", &[0x78, 0x01][..]),
        (b"IEND", &[]),
    ] {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(ty);
        out.extend_from_slice(data);
        let crc = crc32(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }
    out
}

#[test]
fn decode_limits_in_words_and_flags_to_raise_them() {
    let b64 = |d: &[u8]| {
        base64::engine::general_purpose::STANDARD
            .encode(d)
            .into_bytes()
    };
    // 12000 x 8000 RGB: 288 MB against the default 256 MiB (268 MB).
    let big = b64(&header_only_png(12000, 8000));
    let e = fails(&run(&["decode", "--to", "raw"], &big));
    assert!(
        e.contains("needs 288 MB; the limit is 268 MB; raise it with --max-bytes 275M"),
        "{e}"
    );
    // Raised, the limit passes and the missing data is the error.
    let e = fails(&run(
        &["decode", "--to", "raw", "--max-bytes", "275M"],
        &big,
    ));
    assert!(!e.contains("limit") && e.contains("PNG"), "{e}");
    let e = fails(&run(&["decode", "--to", "raw", "--no-limits"], &big));
    assert!(!e.contains("limit"), "{e}");
    // Lowered, a real file fails and then passes.
    let file = std::fs::read(data("pngsuite/basn2c08.png")).unwrap();
    let e = fails(&run(
        &["decode", "--to", "raw", "--max-bytes", "1K"],
        &b64(&file),
    ));
    assert!(
        e.contains("needs 0 MB") || e.contains("the limit is 0 MB"),
        "{e}"
    );
    ok(&run(
        &["decode", "--to", "raw", "--max-bytes", "1M"],
        &b64(&file),
    ));
    let out = run(
        &["decode", "--to", "raw", "--max-bytes", "lots"],
        &b64(&file),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("512M"));
}

#[test]
fn decode_bgr_swaps_red_and_blue() {
    let b64 = |d: &[u8]| {
        base64::engine::general_purpose::STANDARD
            .encode(d)
            .into_bytes()
    };
    for name in ["basn2c08", "basn6a08", "basn2c16", "basn0g08"] {
        let file = std::fs::read(data(&format!("pngsuite/{name}.png"))).unwrap();
        let rgb = ok(&run(&["decode", "--to", "raw"], &b64(&file)));
        let bgr = ok(&run(&["decode", "--to", "raw", "--bgr"], &b64(&file)));
        let img = pixb64::png::decode(&file).unwrap();
        let (c, s) = (img.channels() as usize, img.depth().bytes());
        let mut want = rgb.clone();
        if c >= 3 {
            for px in want.chunks_exact_mut(c * s) {
                for i in 0..s {
                    px.swap(i, 2 * s + i);
                }
            }
        } else {
            assert_eq!(rgb, bgr, "{name}");
        }
        assert_eq!(bgr, want, "{name}");
    }
}

/// CRC-32 (PNG's), bit by bit.
fn crc32(data: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in data {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0xEDB8_8320
            } else {
                c >> 1
            };
        }
    }
    !c
}

#[test]
fn jpeg_decodes_in_the_three_modes_and_other_formats_are_named() {
    let jpg = std::fs::read(data("jpeg/exif6_q90_24x16.jpg")).unwrap();
    let text = base64::engine::general_purpose::STANDARD.encode(&jpg);
    let dims = |args: &[&str], stdin: &[u8]| {
        let raw = ok(&run(args, stdin));
        let head = String::from_utf8_lossy(&raw[..raw.len().min(80)]).into_owned();
        let field = |k: &str| {
            head.lines()
                .find_map(|l| l.strip_prefix(k))
                .unwrap()
                .trim()
                .parse::<u32>()
                .unwrap()
        };
        (field("WIDTH "), field("HEIGHT "), field("DEPTH "))
    };
    // Default: as stored, no EXIF turn; color and grayscale turn it.
    assert_eq!(
        dims(&["decode", "--to", "pam"], text.as_bytes()),
        (24, 16, 3)
    );
    let color = ["decode", "--to", "pam", "--mode", "color"];
    assert_eq!(dims(&color, text.as_bytes()), (16, 24, 3));
    let gray = ["decode", "--to", "pam", "--mode", "grayscale"];
    assert_eq!(dims(&gray, text.as_bytes()), (16, 24, 1));
    // A data: URI and wrapped base64 with a trailing newline.
    let uri = format!("data:image/jpeg;base64,{text}");
    assert_eq!(dims(&color, uri.as_bytes()), (16, 24, 3));
    let wrapped: String = text
        .as_bytes()
        .chunks(76)
        .map(|l| format!("{}\n", std::str::from_utf8(l).unwrap()))
        .collect();
    assert_eq!(dims(&color, wrapped.as_bytes()), (16, 24, 3));
    // info reads JPEG.
    let info = String::from_utf8(ok(&run(&["info"], &jpg))).unwrap();
    assert!(info.starts_with("source     jpeg\n"), "{info}");
    assert!(info.contains("\nimage      24x16, 3 channels"), "{info}");
    // A GIF is named.
    let gif = base64::engine::general_purpose::STANDARD.encode(b"GIF89a\x01\x00\x01\x00");
    let msg = fails(&run(&["decode", "--to", "png"], gif.as_bytes()));
    assert_eq!(
        msg,
        "pixb64: the data decoded from stdin is a GIF file; pixb64 reads PNG, JPEG and PGM/PPM/PAM images\n"
    );
}

/// Error messages name the input and say each thing once.
#[test]
fn error_messages_name_the_input_once() {
    let dir = std::env::temp_dir().join(format!("pixb64-err-names-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = std::fs::read(data("pngsuite/basn2c08.png")).unwrap();
    let cut = dir.join("cut.png");
    std::fs::write(&cut, &file[..100]).unwrap();
    let bad = dir.join("bad.b64");
    std::fs::write(&bad, b"a!bc\n").unwrap();
    let missing = dir.join("missing");
    let s = |p: &Path| p.to_str().unwrap().to_owned();
    let cases: Vec<(Vec<String>, String)> = vec![
        (
            vec!["encode".into(), "--png".into(), s(&cut)],
            format!(
                "pixb64: PNG in '{}': file ends at byte 100, inside chunk IDAT\n",
                cut.display()
            ),
        ),
        (
            vec!["decode".into(), s(&bad)],
            format!(
                "pixb64: base64 in '{}': invalid byte 0x21 ('!') at offset 1\n",
                bad.display()
            ),
        ),
        (
            vec!["info".into(), s(&missing)],
            format!(
                "pixb64: cannot open '{}': No such file or directory (os error 2)\n",
                missing.display()
            ),
        ),
        (
            vec!["encode".into(), "-o".into(), s(&dir), s(&cut)],
            format!("pixb64: cannot write '{}': is a directory\n", dir.display()),
        ),
    ];
    for (args, want) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_eq!(fails(&run(&args, b"")), want, "{args:?}");
    }
    // The image decoded from base64: offsets in the decoded bytes.
    let text = base64::engine::general_purpose::STANDARD.encode(&file[..100]);
    assert_eq!(
        fails(&run(&["decode", "--to", "ppm"], text.as_bytes())),
        "pixb64: PNG decoded from stdin: file ends at byte 100, inside chunk IDAT\n"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `info` on any file: its bytes, base64 (padded and not) and data: URI
/// lengths equal the library's length functions and what `encode` writes,
/// whether the file is given as it is, as base64 or as a data: URI.
#[test]
fn info_reports_any_file() {
    use pixb64::base64::{STANDARD, STANDARD_NO_PAD};
    let png = std::fs::read(data("pngsuite/basn2c08.png")).unwrap();
    let jpg = std::fs::read(data("jpeg/exif6_q90_24x16.jpg")).unwrap();
    let files: Vec<(&str, Vec<u8>, &str, &str)> = vec![
        ("png", png, "image/png", "png"),
        ("jpeg", jpg, "image/jpeg", "jpeg"),
        (
            "text",
            b"hello, world\n".to_vec(),
            "text/plain;charset=utf-8",
            "file",
        ),
        (
            "gif",
            b"GIF89a\x01\x00\x01\x00\x00".to_vec(),
            "image/gif",
            "file",
        ),
        ("binary", pseudo(1001), "application/octet-stream", "file"),
        ("empty", Vec::new(), "application/octet-stream", "file"),
    ];
    let num = |j: &serde_json::Value, k: &str| j[k].as_u64().unwrap_or_else(|| panic!("{k}: {j}"));
    for (what, file, ty, source) in &files {
        let n = file.len();
        let b64 = ok(&run(&["encode"], file));
        let unpadded = ok(&run(&["encode", "--no-pad"], file));
        let uri = ok(&run(&["encode", "--data-uri"], file));
        assert!(
            uri.starts_with(format!("data:{ty};base64,").as_bytes()),
            "{what}"
        );
        let text = STANDARD.encode(file);
        let as_uri = format!("data:{ty};base64,{text}");
        let mut inputs = vec![(file.clone(), *source)];
        if n > 0 {
            inputs.push((text.clone().into_bytes(), "base64"));
            inputs.push((as_uri.into_bytes(), "data-uri"));
        }
        for (input, source) in inputs {
            let j: serde_json::Value =
                serde_json::from_slice(&ok(&run(&["info", "--json"], &input))).unwrap();
            assert_eq!(j["source"], source, "{what}: {j}");
            assert_eq!(j["file_type"], *ty, "{what}: {j}");
            assert_eq!(num(&j, "file_bytes"), n as u64, "{what}");
            assert_eq!(
                num(&j, "base64_bytes"),
                STANDARD.encoded_len(n).unwrap() as u64
            );
            assert_eq!(num(&j, "base64_bytes"), b64.len() as u64 - 1, "{what}");
            assert_eq!(
                num(&j, "base64_unpadded_bytes"),
                STANDARD_NO_PAD.encoded_len(n).unwrap() as u64
            );
            assert_eq!(num(&j, "base64_unpadded_bytes"), unpadded.len() as u64 - 1);
            assert_eq!(
                num(&j, "data_uri_bytes"),
                pixb64::data_uri::encoded_len(ty, n).unwrap() as u64
            );
            assert_eq!(num(&j, "data_uri_bytes"), uri.len() as u64 - 1, "{what}");
            let image = matches!(*what, "png" | "jpeg");
            assert_eq!(j["width"].is_u64(), image, "{what}: {j}");
            // The text form says the same.
            let t = String::from_utf8(ok(&run(&["info"], &input))).unwrap();
            assert!(t.starts_with(&format!("source     {source}")), "{t}");
            assert!(
                t.contains(&format!("\nfile       {n} bytes, {ty}\n")),
                "{t}"
            );
            assert!(
                t.contains(&format!("{} unpadded\n", unpadded.len() - 1)),
                "{t}"
            );
            assert!(
                t.contains(&format!("\ndata URI   {} bytes", uri.len() - 1)),
                "{t}"
            );
        }
    }
    // Text that is not base64 is the file itself, and says why; --bytes
    // takes base64 text as it is.
    let j: serde_json::Value =
        serde_json::from_slice(&ok(&run(&["info", "--json"], b"hello!\n"))).unwrap();
    assert_eq!(j["source"], "file");
    assert_eq!(j["not_base64"], "invalid byte 0x21 ('!') at offset 5");
    let j: serde_json::Value =
        serde_json::from_slice(&ok(&run(&["info", "--json", "--bytes"], b"aGVsbG8=\n"))).unwrap();
    assert_eq!(
        (j["source"].as_str(), num(&j, "file_bytes")),
        (Some("file"), 9)
    );
    // Past the bytes info keeps (1 MiB), through base64 and as it is.
    let big = pseudo(3 << 20);
    let text = STANDARD.encode(&big);
    for (input, source, n) in [
        (big.clone(), "file", big.len()),
        (text.into_bytes(), "base64", big.len()),
    ] {
        let j: serde_json::Value =
            serde_json::from_slice(&ok(&run(&["info", "--json"], &input))).unwrap();
        assert_eq!(j["source"], source);
        assert_eq!(num(&j, "file_bytes"), n as u64);
    }
}

/// `bench FILE...`: per file, a base64 row per backend this CPU runs and,
/// for an image, a PNG row at the default level.
#[test]
fn bench_runs_on_files() {
    let dir = std::env::temp_dir().join(format!("pixb64-bench-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = dir.join("note.txt");
    std::fs::write(&text, b"hello, bench\n").unwrap();
    let png = data("pngsuite/basn2c08.png");
    let out = ok(&run_env(
        &["bench", text.to_str().unwrap(), png.to_str().unwrap()],
        b"",
        &[("PIXB64_BENCH_QUICK", "1")],
    ));
    let out = String::from_utf8(out).unwrap();
    let sections: Vec<&str> = out.split("\n\n").collect();
    assert_eq!(sections.len(), 4, "{out}");
    assert!(sections[0].starts_with("pixb64 bench (best of 1;"), "{out}");
    let png_len = std::fs::metadata(&png).unwrap().len();
    assert!(
        sections[1].starts_with(&format!(
            "'{}': 13 bytes, text/plain;charset=utf-8\nbase64 (GB/s of the file's bytes)\n| backend | encode | decode |\n",
            text.display()
        )),
        "{out}"
    );
    assert!(
        sections[2].starts_with(&format!(
            "'{}': {png_len} bytes, image/png\n",
            png.display()
        )),
        "{out}"
    );
    for s in &sections[1..3] {
        for &b in pixb64::base64::Backend::ALL {
            assert_eq!(
                s.contains(&format!("\n| {b} | ")),
                b.is_available(),
                "{b}: {out}"
            );
        }
    }
    assert!(
        sections[3].starts_with("PNG, 32x32 3 channels 8-bit (MB/s of raw pixels; decode of the file; size as PNG/raw)\n| level | encode MB/s | decode MB/s | PNG/raw |\n|---:|---:|---:|---:|\n| 1 | "),
        "{out}"
    );
    assert_eq!(sections[3].lines().count(), 4, "{out}");
    // A missing file: nothing timed, one line.
    let missing = dir.join("missing");
    let out = run(
        &["bench", png.to_str().unwrap(), missing.to_str().unwrap()],
        b"",
    );
    assert!(fails(&out).contains("cannot open"));
    assert!(out.stdout.is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `backends` lists every base64 backend and PNG kernel with what this CPU
/// runs, agreeing with the library; `--runnable` names the base64 ones.
#[test]
fn backends_says_what_this_cpu_runs() {
    use pixb64::base64::Backend;
    let text = String::from_utf8(ok(&run(&["backends"], b""))).unwrap();
    let runs: Vec<&str> = Backend::ALL
        .iter()
        .filter(|b| b.is_available())
        .map(|b| b.name())
        .collect();
    assert!(
        text.starts_with(&format!(
            "base64 backends (in use: {}, the best this CPU runs)\n",
            runs.last().unwrap()
        )),
        "{text}"
    );
    for &b in Backend::ALL {
        let line = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(b.name()))
            .unwrap_or_else(|| panic!("{b}: {text}"));
        assert_eq!(
            line.ends_with("runs on this CPU"),
            b.is_available(),
            "{line}"
        );
    }
    for k in pixb64::kernels::kernels() {
        let line = format!("  {} {}", k.task, k.isa);
        let line = text
            .lines()
            .find(|l| l.starts_with(&line))
            .unwrap_or_else(|| panic!("{line}: {text}"));
        assert_eq!(line.ends_with("runs on this CPU"), k.available, "{line}");
    }
    let names = String::from_utf8(ok(&run(&["backends", "--runnable"], b""))).unwrap();
    assert_eq!(names.lines().collect::<Vec<_>>(), runs);
    let forced = ok(&run_env(
        &["backends"],
        b"",
        &[("PIXB64_BACKEND", "scalar")],
    ));
    assert!(String::from_utf8(forced)
        .unwrap()
        .starts_with("base64 backends (in use: scalar, forced by PIXB64_BACKEND)\n"));
}
