//! `pixb64`: streaming base64 encode/decode of any file, and a demo.
//!
//! * `pixb64 encode [FILE|-] [-o OUT]` prints the standard padded base64 of
//!   the input and one newline (what Python's `base64.b64encode(data) + b"\n"`
//!   gives), with no line wrapping.
//! * `pixb64 decode [FILE|-] [-o OUT]` inverts it, accepting line-wrapped
//!   input (LF or CRLF). Invalid input is one line on stderr naming the byte
//!   offset, and exit code 1.
//! * `pixb64` or `pixb64 demo` runs a short self-check and benchmark.
//!
//! Both directions stream in constant memory. With `-o OUT` the output goes
//! to a temporary file next to `OUT`, renamed over `OUT` only on success, so
//! a failed run never leaves a partial `OUT` (nor touches an existing one).

use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use pixb64::base64::{Backend, DecodeError, DecoderReader, EncoderWriter, LineEnding, STANDARD};

/// Bytes read from the input per `encode` round: a multiple of 3 (and of the
/// encoder's 6 KiB chunk), so no input byte waits between rounds.
const ENCODE_READ: usize = 96 * 1024;
/// Output buffer size for both directions.
const OUT_BUF: usize = 64 * 1024;
/// Buffer the decoded bytes are read into.
const DECODE_READ: usize = 64 * 1024;

#[derive(Parser, Debug)]
#[command(
    name = "pixb64",
    version,
    about = "Streaming base64 encode/decode of any file (RFC 4648, standard alphabet, padded).",
    long_about = None,
    after_help = "With no command, runs `pixb64 demo`."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print the base64 of FILE's bytes and one newline (no line wrapping)
    Encode(IoArgs),
    /// Decode base64 (line-wrapped input and a trailing newline accepted)
    Decode(IoArgs),
    /// Round-trip built-in data, report sizes, throughput and the backend
    Demo,
}

#[derive(clap::Args, Debug)]
struct IoArgs {
    /// Input file; `-` or absent reads stdin
    #[arg(value_name = "FILE")]
    input: Option<PathBuf>,
    /// Write to OUT instead of stdout (replaced only if the whole run succeeds; `-` is stdout)
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
}

/// Why a command failed.
enum Failure {
    /// The input is not valid base64.
    Decode(DecodeError),
    /// Writing to a closed pipe: the reader went away, so stop quietly.
    BrokenPipe,
    /// Any other I/O error, with what was being done.
    Io(String, io::Error),
}

impl Failure {
    fn io(what: impl Into<String>, err: io::Error) -> Failure {
        if err.kind() == io::ErrorKind::BrokenPipe {
            Failure::BrokenPipe
        } else {
            Failure::Io(what.into(), err)
        }
    }
}

fn main() -> ExitCode {
    // Usage errors exit 2 here, through clap.
    let cli = Cli::parse();
    let result = match cli.command {
        None | Some(Command::Demo) => demo(),
        Some(Command::Encode(args)) => run(&args, encode),
        Some(Command::Decode(args)) => run(&args, decode),
    };
    match result {
        Ok(code) => code,
        Err(Failure::BrokenPipe) => ExitCode::SUCCESS,
        Err(Failure::Decode(e)) => {
            report(format_args!("invalid base64: {e}"));
            ExitCode::FAILURE
        }
        Err(Failure::Io(what, e)) => {
            report(format_args!("{what}: {e}"));
            ExitCode::FAILURE
        }
    }
}

/// Prints `pixb64: {msg}` as one line on stderr, ignoring a failing stderr.
fn report(msg: std::fmt::Arguments<'_>) {
    let line = format!("pixb64: {msg}").replace(['\n', '\r'], " ");
    let _ = writeln!(io::stderr().lock(), "{line}");
}

/// The path argument, or `None` for the standard stream (absent or `-`).
fn file_arg(path: Option<&Path>) -> Option<&Path> {
    path.filter(|p| p.as_os_str() != "-")
}

/// A command body: `(input, input name, output, output name)`.
type Body = fn(&mut dyn Read, &str, &mut dyn Write, &str) -> Result<(), Failure>;

/// Opens the input, wires up the output and runs `body` between them.
fn run(args: &IoArgs, body: Body) -> Result<ExitCode, Failure> {
    let input_path = file_arg(args.input.as_deref());
    let output_path = file_arg(args.output.as_deref());

    let (mut input, in_name): (Box<dyn Read>, String) = match input_path {
        None => (Box::new(io::stdin().lock()), "stdin".into()),
        Some(p) => {
            let name = format!("'{}'", p.display());
            let f = File::open(p).map_err(|e| Failure::io(format!("cannot open {name}"), e))?;
            (Box::new(f), name)
        }
    };

    match output_path {
        None => {
            let mut out = BufWriter::with_capacity(OUT_BUF, io::stdout().lock());
            body(&mut input, &in_name, &mut out, "stdout")?;
            out.flush()
                .map_err(|e| Failure::io("cannot write stdout", e))?;
        }
        Some(dest) => {
            let out_name = format!("'{}'", dest.display());
            let tmp = TempFile::create(dest)?;
            let mut out = BufWriter::with_capacity(OUT_BUF, &tmp.file);
            body(&mut input, &in_name, &mut out, &out_name)?;
            out.flush()
                .map_err(|e| Failure::io(format!("cannot write {out_name}"), e))?;
            drop(out);
            tmp.commit(dest)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads into `buf`, retrying on `Interrupted`.
fn read_some(r: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match r.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

fn encode(
    input: &mut dyn Read,
    in_name: &str,
    out: &mut dyn Write,
    out_name: &str,
) -> Result<(), Failure> {
    let werr = |e| Failure::io(format!("cannot write {out_name}"), e);
    let mut enc = EncoderWriter::new(&mut *out, &STANDARD);
    let mut buf = vec![0u8; ENCODE_READ];
    loop {
        let n = read_some(input, &mut buf)
            .map_err(|e| Failure::io(format!("cannot read {in_name}"), e))?;
        if n == 0 {
            break;
        }
        enc.write_all(&buf[..n]).map_err(werr)?;
    }
    let out = enc.finish().map_err(werr)?;
    out.write_all(b"\n").map_err(werr)
}

fn decode(
    input: &mut dyn Read,
    in_name: &str,
    out: &mut dyn Write,
    out_name: &str,
) -> Result<(), Failure> {
    let codec = STANDARD.with_whitespace_skipped(true);
    let mut dec = DecoderReader::new(input, &codec);
    let mut buf = vec![0u8; DECODE_READ];
    loop {
        let n = match read_some(&mut dec, &mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) => {
                let inner = e.get_ref().and_then(|i| i.downcast_ref::<DecodeError>());
                return Err(match inner {
                    Some(d) if e.kind() == io::ErrorKind::InvalidData => Failure::Decode(*d),
                    _ => Failure::io(format!("cannot read {in_name}"), e),
                });
            }
        };
        out.write_all(&buf[..n])
            .map_err(|e| Failure::io(format!("cannot write {out_name}"), e))?;
    }
}

/// A temporary file next to the destination, removed on drop unless
/// [`commit`](Self::commit)ted.
struct TempFile {
    path: PathBuf,
    file: File,
    committed: bool,
}

impl TempFile {
    fn create(dest: &Path) -> Result<TempFile, Failure> {
        let name = format!("'{}'", dest.display());
        let existing = fs::metadata(dest).ok();
        if existing.as_ref().is_some_and(|m| m.is_dir()) {
            let err = io::Error::new(io::ErrorKind::IsADirectory, "is a directory");
            return Err(Failure::io(format!("cannot write {name}"), err));
        }
        let dir = match dest.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let base = dest.file_name().unwrap_or(dest.as_os_str());
        let nonce = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let mut attempt = 0u32;
        loop {
            let mut tmp_name = OsString::from(".");
            tmp_name.push(base);
            tmp_name.push(format!(
                ".pixb64-{}-{nonce:08x}-{attempt}.tmp",
                std::process::id()
            ));
            let path = dir.join(tmp_name);
            match File::options().write(true).create_new(true).open(&path) {
                Ok(file) => {
                    let tmp = TempFile {
                        path,
                        file,
                        committed: false,
                    };
                    // Keep the mode of a file being replaced.
                    if let Some(m) = existing {
                        let _ = tmp.file.set_permissions(m.permissions());
                    }
                    return Ok(tmp);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
                Err(e) => {
                    let what = format!("cannot create a temporary file in '{}'", dir.display());
                    return Err(Failure::io(what, e));
                }
            }
        }
    }

    /// Syncs the file to disk and renames it over `dest`.
    fn commit(mut self, dest: &Path) -> Result<(), Failure> {
        let name = format!("'{}'", dest.display());
        self.file
            .sync_all()
            .map_err(|e| Failure::io(format!("cannot write {name}"), e))?;
        fs::rename(&self.path, dest).map_err(|e| {
            Failure::io(
                format!("cannot rename '{}' to {name}", self.path.display()),
                e,
            )
        })?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_file(&self.path);
        }
    }
}

// ---------------------------------------------------------------- demo ----

/// Size of the generated demo pattern.
const DEMO_LEN: usize = 1 << 20;
/// Timed repetitions per direction (the best is reported).
const DEMO_REPS: usize = 7;
const DEMO_TEXT: &str = "Hello, pixb64! Lossless bytes through text.";

/// A deterministic pseudo-random byte pattern (xorshift64*).
fn demo_pattern(len: usize) -> Vec<u8> {
    let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut v = Vec::with_capacity(len + 8);
    while v.len() < len {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        v.extend_from_slice(&s.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes());
    }
    v.truncate(len);
    v
}

/// Best wall time of `reps` runs of `f`.
fn best_of(reps: usize, mut f: impl FnMut()) -> Duration {
    (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn mb_per_s(bytes: usize, t: Duration) -> f64 {
    bytes as f64 / 1e6 / t.as_secs_f64().max(1e-9)
}

fn demo() -> Result<ExitCode, Failure> {
    let out = &mut io::stdout().lock();
    let werr = |e| Failure::io("cannot write stdout", e);
    let backend = Backend::detect();
    let mut ok = true;

    writeln!(out, "pixb64 demo: base64 backend {backend}").map_err(werr)?;

    // A small text, one-shot.
    let text_b64 = STANDARD.encode(DEMO_TEXT);
    let text_back = STANDARD.decode(&text_b64);
    let text_ok = text_back.as_deref() == Ok(DEMO_TEXT.as_bytes());
    ok &= text_ok;
    writeln!(out, "  text    {DEMO_TEXT:?}").map_err(werr)?;
    writeln!(
        out,
        "  base64  {text_b64}  (round trip {})",
        verdict(text_ok)
    )
    .map_err(werr)?;

    // 1 MiB pattern, one-shot into preallocated buffers, timed.
    let raw = demo_pattern(DEMO_LEN);
    let enc_len = STANDARD.encoded_len(raw.len()).unwrap_or(0);
    let mut b64 = vec![0u8; enc_len];
    let mut back = vec![0u8; raw.len()];
    let mut enc_ok = true;
    let t_enc = best_of(DEMO_REPS, || {
        enc_ok &= STANDARD.encode_to_slice(std::hint::black_box(&raw), &mut b64) == Ok(enc_len);
    });
    let mut dec_ok = true;
    let t_dec = best_of(DEMO_REPS, || {
        dec_ok &= STANDARD.decode_to_slice(std::hint::black_box(&b64), &mut back) == Ok(raw.len());
    });
    let bytes_ok = enc_ok && dec_ok && back == raw;
    ok &= bytes_ok;

    // The same pattern through the streaming adapters, as 76-column CRLF lines.
    let stream_ok = stream_round_trip(&raw);
    ok &= stream_ok;

    writeln!(
        out,
        "  pattern {} raw bytes -> {} base64 bytes (ratio {:.4})",
        raw.len(),
        b64.len(),
        b64.len() as f64 / raw.len() as f64
    )
    .map_err(werr)?;
    writeln!(
        out,
        "  encode  {:8.1} MB/s   decode {:8.1} MB/s   (raw bytes, best of {DEMO_REPS})",
        mb_per_s(raw.len(), t_enc),
        mb_per_s(raw.len(), t_dec)
    )
    .map_err(werr)?;
    writeln!(
        out,
        "  round trip: one-shot {}, streaming wrapped {}",
        verdict(bytes_ok),
        verdict(stream_ok)
    )
    .map_err(werr)?;
    out.flush().map_err(werr)?;

    if ok {
        Ok(ExitCode::SUCCESS)
    } else {
        report(format_args!("demo: round trip mismatch"));
        Ok(ExitCode::FAILURE)
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "ok"
    } else {
        "MISMATCH"
    }
}

/// Encodes `raw` with [`EncoderWriter`] (76-column CRLF lines), decodes it
/// back with a whitespace-skipping [`DecoderReader`] and compares.
fn stream_round_trip(raw: &[u8]) -> bool {
    let mut enc = EncoderWriter::new(Vec::new(), &STANDARD).with_wrap(76, LineEnding::CrLf);
    if enc.write_all(raw).is_err() {
        return false;
    }
    let Ok(wrapped) = enc.finish() else {
        return false;
    };
    let codec = STANDARD.with_whitespace_skipped(true);
    let mut back = Vec::with_capacity(raw.len());
    DecoderReader::new(&wrapped[..], &codec)
        .read_to_end(&mut back)
        .is_ok()
        && back == raw
}
