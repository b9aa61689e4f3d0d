//! End-to-end tests of the `pixb64` binary.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use base64::Engine as _;

const BIN: &str = env!("CARGO_BIN_EXE_pixb64");

/// Sizes covering empty, every tail length, line-length boundaries and a
/// stream of a few hundred KiB (longer than every internal buffer).
const SIZES: &[usize] = &[
    0,
    1,
    2,
    3,
    4,
    5,
    6,
    57,
    76,
    1000,
    6143,
    6144,
    6145,
    300 * 1024 + 7,
];

fn reference(data: &[u8]) -> Vec<u8> {
    let mut s = base64::engine::general_purpose::STANDARD
        .encode(data)
        .into_bytes();
    s.push(b'\n');
    s
}

/// Deterministic pseudo-random bytes (splitmix64), different per seed.
fn bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ len as u64;
    let mut v = Vec::with_capacity(len + 8);
    while v.len() < len {
        s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        v.extend_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    v.truncate(len);
    v
}

/// A fresh, empty directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("pixb64-cli-test-{}-{name}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn write(&self, name: &str, data: &[u8]) -> PathBuf {
        let p = self.path(name);
        fs::write(&p, data).unwrap();
        p
    }

    /// The names of the entries in the directory, sorted.
    fn entries(&self) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Runs the binary with `args` and `stdin` as its standard input.
fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    // Feed stdin from a thread so a large input cannot deadlock against a full stdout pipe.
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    out
}

fn run_path(args: &[&str], path: &Path) -> Output {
    let mut all: Vec<&str> = args.to_vec();
    all.push(path.to_str().unwrap());
    run(&all, b"")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn assert_ok(out: &Output) {
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(out));
    assert!(out.stderr.is_empty(), "unexpected stderr: {}", stderr(out));
}

/// Asserts exit code 1 and exactly one stderr line, and returns that line.
fn assert_one_line_failure(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(out));
    let err = stderr(out);
    assert!(
        err.ends_with('\n'),
        "stderr not newline-terminated: {err:?}"
    );
    assert_eq!(err.lines().count(), 1, "stderr is not one line: {err:?}");
    assert!(err.starts_with("pixb64: "), "stderr: {err:?}");
    assert!(!err.contains("panicked"), "stderr: {err:?}");
    err.trim_end().to_owned()
}

/// Wraps `text` in lines of `width` bytes separated by `eol`, with a final `eol`.
fn wrap(text: &[u8], width: usize, eol: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for line in text.chunks(width) {
        out.extend_from_slice(line);
        out.extend_from_slice(eol);
    }
    out
}

#[test]
fn encode_file_matches_base64_crate() {
    let dir = TempDir::new("encode-file");
    for (i, &n) in SIZES.iter().enumerate() {
        let data = bytes(n, i as u64);
        let input = dir.write("in.bin", &data);
        let out = run_path(&["encode"], &input);
        assert_ok(&out);
        assert_eq!(out.stdout, reference(&data), "size {n}");
    }
}

#[test]
fn encode_stdin_matches_base64_crate() {
    for (i, &n) in SIZES.iter().enumerate() {
        let data = bytes(n, 100 + i as u64);
        let implicit = run(&["encode"], &data);
        assert_ok(&implicit);
        assert_eq!(implicit.stdout, reference(&data), "size {n}, no FILE");
        let dash = run(&["encode", "-"], &data);
        assert_ok(&dash);
        assert_eq!(dash.stdout, reference(&data), "size {n}, FILE = -");
    }
}

#[test]
fn encode_known_vectors() {
    // RFC 4648 §10.
    let vectors: &[(&str, &str)] = &[
        ("", "\n"),
        ("f", "Zg==\n"),
        ("fo", "Zm8=\n"),
        ("foo", "Zm9v\n"),
        ("foob", "Zm9vYg==\n"),
        ("fooba", "Zm9vYmE=\n"),
        ("foobar", "Zm9vYmFy\n"),
    ];
    for (raw, b64) in vectors {
        let out = run(&["encode"], raw.as_bytes());
        assert_ok(&out);
        assert_eq!(String::from_utf8(out.stdout).unwrap(), *b64);
    }
}

#[test]
fn encode_to_output_file() {
    let dir = TempDir::new("encode-out");
    let data = bytes(200 * 1024 + 1, 7);
    let input = dir.write("in.bin", &data);
    let dest = dir.path("out.b64");
    let out = run(
        &[
            "encode",
            input.to_str().unwrap(),
            "-o",
            dest.to_str().unwrap(),
        ],
        b"",
    );
    assert_ok(&out);
    assert!(out.stdout.is_empty());
    assert_eq!(fs::read(&dest).unwrap(), reference(&data));
    assert_eq!(
        dir.entries(),
        ["in.bin", "out.b64"],
        "temporary file left behind"
    );

    // `--output` replaces an existing file.
    fs::write(&dest, b"old contents").unwrap();
    let out = run(&["encode", "--output", dest.to_str().unwrap()], b"foobar");
    assert_ok(&out);
    assert_eq!(fs::read(&dest).unwrap(), b"Zm9vYmFy\n");
    assert_eq!(dir.entries(), ["in.bin", "out.b64"]);
}

#[test]
fn decode_round_trips_file_and_stdin() {
    let dir = TempDir::new("decode");
    for (i, &n) in SIZES.iter().enumerate() {
        let data = bytes(n, 200 + i as u64);
        let text = reference(&data);

        let from_stdin = run(&["decode"], &text);
        assert_ok(&from_stdin);
        assert_eq!(from_stdin.stdout, data, "size {n}, stdin");

        let input = dir.write("in.b64", &text);
        let from_file = run_path(&["decode"], &input);
        assert_ok(&from_file);
        assert_eq!(from_file.stdout, data, "size {n}, file");

        // Without the trailing newline too.
        let bare = run(&["decode", "-"], &text[..text.len() - 1]);
        assert_ok(&bare);
        assert_eq!(bare.stdout, data, "size {n}, no newline");
    }
}

#[test]
fn decode_to_output_file() {
    let dir = TempDir::new("decode-out");
    let data = bytes(300 * 1024 + 2, 9);
    let input = dir.write("in.b64", &reference(&data));
    let dest = dir.path("out.bin");
    fs::write(&dest, b"to be replaced").unwrap();
    let out = run(
        &[
            "decode",
            input.to_str().unwrap(),
            "-o",
            dest.to_str().unwrap(),
        ],
        b"",
    );
    assert_ok(&out);
    assert!(out.stdout.is_empty());
    assert_eq!(fs::read(&dest).unwrap(), data);
    assert_eq!(
        dir.entries(),
        ["in.b64", "out.bin"],
        "temporary file left behind"
    );
}

#[test]
fn encode_then_decode_pipeline() {
    let data = bytes(123_457, 11);
    let enc = run(&["encode"], &data);
    assert_ok(&enc);
    let dec = run(&["decode"], &enc.stdout);
    assert_ok(&dec);
    assert_eq!(dec.stdout, data);
}

#[test]
fn decode_wrapped_lf_and_crlf() {
    for (i, &n) in [0usize, 1, 56, 57, 58, 114, 1000, 100_000]
        .iter()
        .enumerate()
    {
        let data = bytes(n, 300 + i as u64);
        let text = base64::engine::general_purpose::STANDARD.encode(&data);
        for eol in [&b"\n"[..], b"\r\n"] {
            let wrapped = wrap(text.as_bytes(), 76, eol);
            if n >= 57 {
                assert_eq!(
                    wrapped[76..76 + eol.len()],
                    *eol,
                    "the input really is wrapped"
                );
            }
            let out = run(&["decode"], &wrapped);
            assert_ok(&out);
            assert_eq!(out.stdout, data, "size {n}, eol {eol:?}");
        }
    }
}

#[test]
fn decode_invalid_byte_reports_offset() {
    let data = bytes(3000, 13);
    let mut text = reference(&data);
    text[1234] = b'!';
    let out = run(&["decode"], &text);
    let line = assert_one_line_failure(&out);
    assert_eq!(
        line,
        "pixb64: base64 in stdin: invalid byte 0x21 ('!') at offset 1234"
    );
}

#[test]
fn decode_invalid_byte_far_into_a_stream() {
    // Past several of the decoder's input chunks, in wrapped CRLF input:
    // the offset counts every input byte, line breaks included.
    let data = bytes(400 * 1024, 17);
    let text = base64::engine::general_purpose::STANDARD.encode(&data);
    let mut wrapped = wrap(text.as_bytes(), 76, b"\r\n");
    let at = 345_679;
    assert!(wrapped[at].is_ascii_alphanumeric() || wrapped[at] == b'+' || wrapped[at] == b'/');
    wrapped[at] = b'*';
    let out = run(&["decode"], &wrapped);
    let line = assert_one_line_failure(&out);
    assert_eq!(
        line,
        format!("pixb64: base64 in stdin: invalid byte 0x2a ('*') at offset {at}")
    );
    // Decoding stopped at the fault: no more than the bytes before it came out.
    assert!(
        out.stdout.len() <= at * 3 / 4,
        "{} bytes written",
        out.stdout.len()
    );
    assert_eq!(out.stdout[..], data[..out.stdout.len()]);
}

#[test]
fn decode_other_faults_report_offsets() {
    let cases: &[(&[u8], &str)] = &[
        // A non-graphic byte is shown in hex only.
        (b"Zm9v\x00mFy\n", "invalid byte 0x00 at offset 4"),
        // 5 symbols: a dangling one.
        (b"Zm9vY\n", "invalid length: input of 6 bytes"),
        // Missing padding: the offset is the input length.
        (b"Zm9vYg", "invalid padding at offset 6"),
        // Too much padding: the first `=`.
        (b"Zm8=\n=\n", "invalid padding at offset 3"),
        // `Zh==` has non-zero unused bits.
        (
            b"Zh==\n",
            "non-zero trailing bits in the last symbol at offset 1",
        ),
        // `=` followed by a symbol.
        (b"Zg==Zm9v", "invalid byte 0x3d ('=') at offset 2"),
        // URL-safe symbols are not STANDARD.
        (b"Zm9-\n", "invalid byte 0x2d ('-') at offset 3"),
    ];
    for (input, expected) in cases {
        let out = run(&["decode"], input);
        let line = assert_one_line_failure(&out);
        assert!(line.starts_with("pixb64: base64 in stdin: "), "{line}");
        assert!(
            line.contains(expected),
            "input {input:?}: got {line:?}, want {expected:?}"
        );
    }
}

#[test]
fn decode_failure_with_output_leaves_no_file() {
    let dir = TempDir::new("decode-fail");
    let mut text = reference(&bytes(200 * 1024, 19));
    text[150_000] = b'.';
    let input = dir.write("in.b64", &text);
    let dest = dir.path("out.bin");
    let out = run(
        &[
            "decode",
            input.to_str().unwrap(),
            "-o",
            dest.to_str().unwrap(),
        ],
        b"",
    );
    let line = assert_one_line_failure(&out);
    assert!(line.ends_with("at offset 150000"), "{line}");
    assert!(out.stdout.is_empty());
    assert!(!dest.exists(), "partial output file left behind");
    assert_eq!(dir.entries(), ["in.b64"], "temporary file left behind");
}

#[test]
fn decode_failure_leaves_existing_output_untouched() {
    let dir = TempDir::new("decode-keep");
    let dest = dir.write("out.bin", b"precious existing contents");
    let before = fs::metadata(&dest).unwrap().modified().unwrap();
    // Valid for a long stretch (so some output was decoded), then a bad tail.
    let mut text = reference(&bytes(100 * 1024, 23));
    text.truncate(text.len() - 1);
    text.extend_from_slice(b"QUJD=");
    let out = run(&["decode", "-o", dest.to_str().unwrap()], &text);
    let line = assert_one_line_failure(&out);
    assert!(line.starts_with("pixb64: base64 in stdin: "), "{line}");
    assert_eq!(fs::read(&dest).unwrap(), b"precious existing contents");
    assert_eq!(fs::metadata(&dest).unwrap().modified().unwrap(), before);
    assert_eq!(dir.entries(), ["out.bin"], "temporary file left behind");
}

#[test]
fn io_errors_are_one_line_exit_1() {
    let dir = TempDir::new("io");
    let missing = dir.path("does-not-exist");
    for cmd in ["encode", "decode"] {
        let out = run_path(&[cmd], &missing);
        let line = assert_one_line_failure(&out);
        assert!(line.contains("does-not-exist"), "{line}");
        assert!(out.stdout.is_empty());
    }
    // Output into a directory that does not exist.
    let dest = dir.path("no-such-dir").join("out.b64");
    let out = run(&["encode", "-o", dest.to_str().unwrap()], b"abc");
    let line = assert_one_line_failure(&out);
    assert!(line.contains("no-such-dir"), "{line}");
    // Output onto a directory.
    let out = run(&["decode", "-o", dir.0.to_str().unwrap()], b"YWJj\n");
    let line = assert_one_line_failure(&out);
    assert!(line.contains("directory"), "{line}");
    assert!(dir.entries().is_empty(), "{:?}", dir.entries());
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["bogus"][..],
        &["encode", "a", "b"],
        &["decode", "--nope"],
        &["encode", "-o"],
        &["demo", "extra"],
    ] {
        let out = run(args, b"");
        assert_eq!(
            out.status.code(),
            Some(2),
            "args {args:?}: {}",
            stderr(&out)
        );
        assert!(
            stderr(&out).starts_with("error: "),
            "args {args:?}: {}",
            stderr(&out)
        );
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn help_lists_the_commands() {
    let out = run(&["--help"], b"");
    assert_ok(&out);
    let help = String::from_utf8(out.stdout).unwrap();
    for word in ["encode", "decode", "demo", "Usage: pixb64"] {
        assert!(help.contains(word), "{help}");
    }
}

fn check_demo(out: &Output) {
    assert_ok(out);
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    let backend = pixb64::base64::Backend::detect().name();
    assert!(
        text.contains(&format!("base64 backend {backend}")),
        "{text}"
    );
    assert!(
        text.contains("1048576 raw bytes -> 1398104 base64 bytes"),
        "{text}"
    );
    assert!(
        text.contains("round trip: one-shot ok, streaming wrapped ok"),
        "{text}"
    );
    assert!(text.contains("MB/s"), "{text}");
    assert!(
        text.contains("768x512 RGB (built in), PNG level 1 -> base64 -> pixels: pixel-exact"),
        "{text}"
    );
    assert!(text.contains("| data URI "), "{text}");
    assert!(!text.contains("MISMATCH"), "{text}");
}

#[test]
fn demo_and_no_arguments() {
    check_demo(&run(&["demo"], b""));
    check_demo(&run(&[], b""));
}

#[test]
fn broken_pipe_exits_quietly() {
    let mut child = Command::new(BIN)
        .arg("encode")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the read end of stdout before the child writes anything.
    drop(child.stdout.take());
    let mut input = child.stdin.take().unwrap();
    let _ = input.write_all(&bytes(1 << 20, 29)); // the child may exit first
    drop(input);
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "stderr: {err}");
    assert!(err.is_empty(), "stderr: {err:?}");
}

/// A directory as input is named in the error, whichever command reads it.
#[test]
fn directory_input_is_named() {
    let dir = std::env::temp_dir().join(format!("pixb64-dir-input-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for cmd in ["encode", "decode", "info"] {
        let err = assert_one_line_failure(&run_path(&[cmd], &dir));
        assert!(
            err.contains(&format!("'{}'", dir.display())),
            "{cmd}: {err}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Base64 errors come with what they usually mean, and `--trailing-bits`
/// reads what Python's `b64decode` reads.
#[test]
fn decode_errors_explain_and_trailing_bits_flag() {
    let err = assert_one_line_failure(&run(&["decode"], b"aGVsbG8"));
    assert!(
        err.contains("offset 7") && err.contains("--no-pad"),
        "{err}"
    );
    let out = run(&["decode", "--no-pad"], b"aGVsbG8");
    assert_ok(&out);
    assert_eq!(out.stdout, b"hello");

    let err = assert_one_line_failure(&run(&["decode"], b"aGk=xx"));
    assert!(
        err.contains("offset 3") && err.contains("follow the '=' padding"),
        "{err}"
    );

    let err = assert_one_line_failure(&run(&["decode"], b"aGVsbG9="));
    assert!(
        err.contains("offset 6") && err.contains("--trailing-bits"),
        "{err}"
    );
    let out = run(&["decode", "--trailing-bits"], b"aGVsbG9=");
    assert_ok(&out);
    assert_eq!(out.stdout, b"hello");
}

/// Binary output to a pipe needs no `--force` (the tests' stdout is a pipe;
/// the refusal for a terminal is unit-tested in main.rs); `--force` and `-f`
/// are accepted and change nothing there.
#[test]
fn binary_output_to_a_pipe_is_written() {
    let data = bytes(5000, 31);
    let text = reference(&data);
    for args in [&["decode"][..], &["decode", "--force"], &["decode", "-f"]] {
        let out = run(args, &text);
        assert_ok(&out);
        assert_eq!(out.stdout, data, "{args:?}");
    }
    let out = run(&["decode", "--to", "raw", "--force"], b"");
    assert_eq!(out.status.code(), Some(1));
}

/// `--lenient` gives what Python's `base64.b64decode` gives (its
/// non-validating default), and fails where it raises.
#[test]
fn lenient_decodes_as_python_b64decode() {
    // (input, base64.b64decode(input) or None where Python raises), Python 3.11.
    let table: &[(&[u8], Option<&[u8]>)] = &[
        (b"aGVsbG8=", Some(b"hello")),
        (b"aGVsbG8", None),
        (b"aGVsbG9=", Some(b"hello")),
        (b"YQ=", None),
        (b"Y", None),
        (b"YQ==YWJj", Some(b"a")),
        (b"=YQ==", Some(b"a")),
        (b"Y=Q==", Some(b"a")),
        (b"YQ=a=", Some(b"a\x06")),
        (b"YW=Jj", Some(b"abc")),
        (b"YWJ=YQ==", Some(b"ab")),
        (b"a-b_c", None),
        (b"aG!Vs bG8=", Some(b"hello")),
        (b"", Some(b"")),
        (b"====", Some(b"")),
        (b"YQ===", Some(b"a")),
        (b"Y Q = =", Some(b"a")),
        (b"YWJjZA=", None),
        (b"\xffYQ==", Some(b"a")),
        (b"Zh==", Some(b"f")),
        (b"Zm9v=", Some(b"foo")),
        (b"Zm9vY=", None),
        (b"YQ==\x00garbage", Some(b"a")),
        (b"QU=JD", Some(b"ABC")),
        (b"Y\xc3\xa9WJj", Some(b"abc")),
        (b"YW\x0aJj\x0d\x0aZA==", Some(b"abcd")),
    ];
    for &(input, want) in table {
        let out = run(&["decode", "--lenient"], input);
        match want {
            Some(w) => {
                assert_ok(&out);
                assert_eq!(out.stdout, w, "{:?}", String::from_utf8_lossy(input));
            }
            None => {
                let line = assert_one_line_failure(&out);
                assert!(line.starts_with("pixb64: base64 in stdin: "), "{line}");
            }
        }
    }
    // The two failures, in words.
    assert_eq!(
        assert_one_line_failure(&run(&["decode", "--lenient"], b"YQ")),
        "pixb64: base64 in stdin: incorrect padding: the last group has 2 symbols and no '=' to complete it (Python: Incorrect padding; --no-pad accepts it)"
    );
    assert_eq!(
        assert_one_line_failure(&run(&["decode", "--lenient"], b"Zm9v!Y")),
        "pixb64: base64 in stdin: the number of data characters (5) is 1 more than a multiple of 4 (Python: Invalid base64-encoded string)"
    );
    let out = run(&["decode", "--lenient", "--no-pad"], b"YQ");
    assert_ok(&out);
    assert_eq!(out.stdout, b"a");
    // urlsafe_b64decode: '-' and '_' read as '+' and '/', which are read too.
    let out = run(&["decode", "--lenient", "--url-safe"], b"_-8=\n+/8=");
    assert_ok(&out);
    assert_eq!(out.stdout, b"\xff\xef");
    // A long wrapped stream with junk, across the reader's buffers.
    let data = bytes(300_000, 37);
    let mut text = wrap(reference(&data).trim_ascii_end(), 76, b"\n");
    text.splice(100_000..100_000, b"!!\x00@@ ".iter().copied());
    let out = run(&["decode", "--lenient"], &text);
    assert_ok(&out);
    assert_eq!(out.stdout, data);
}
