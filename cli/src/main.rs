//! `pixb64`: images and any other bytes through text, losslessly.
//!
//! * `pixb64 encode [FILE|-]` prints the standard padded base64 of the input
//!   and one newline (what Python's `base64.b64encode(data) + b"\n"` gives);
//!   `--url-safe`, `--no-pad`, `--wrap N` and `--data-uri [--mime TYPE]`
//!   change the form. `--png` reads an image (PNG, PGM/PPM/PAM, or `--raw
//!   WxHxC` pixels) and encodes a lossless PNG of it.
//! * `pixb64 decode [FILE|-]` inverts it: base64 (wrapped or not) or a
//!   `data:` URI back to bytes; `--to png|ppm|pam|raw` decodes the bytes as
//!   an image and writes that format.
//! * `pixb64 info [FILE|-] [--json] [--bytes]`: sizes of any file (bytes,
//!   base64, data: URI), or of the file a base64 text or `data:` URI holds,
//!   and an image's dimensions.
//! * `pixb64 bench [FILE...]`: every base64 backend and PNG level on this
//!   machine, on built-in data or on the files given.
//! * `pixb64 backends [--runnable]`: the base64 backends and PNG kernels of
//!   this build, and which this CPU runs.
//! * `pixb64` or `pixb64 demo`: the whole recipe on a built-in image.
//!
//! Byte streams are processed in constant memory; images are read whole.
//! With `-o OUT` the output goes to a temporary file next to `OUT`, renamed
//! over `OUT` only on success. Errors are one line on stderr (with the byte
//! offset where there is one) and exit code 1; usage errors exit 2.

#![forbid(unsafe_code)]

mod files;
mod image_io;
mod info;
mod netpbm;
mod report;
mod sniff;
mod stream;

use std::io::{self, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use pixb64::base64::{Base64, DecodeError, DecodePadding, STANDARD, URL_SAFE};
use pixb64::png::{self, EncodeOptions};
use pixb64::ChannelOrder;

use files::{with_output, Input};
use image_io::{Format, RawSpec};

#[derive(Parser, Debug)]
#[command(
    name = "pixb64",
    version,
    about = "Images and any other bytes through text, losslessly: base64, PNG, data: URIs.",
    long_about = None,
    after_help = "With no command, runs `pixb64 demo`."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print the base64 (or data: URI) of FILE's bytes, or of a PNG of an image, and one newline
    Encode(EncodeArgs),
    /// Decode base64 (wrapped or not) or a data: URI back to bytes, or to an image format
    Decode(DecodeArgs),
    /// Sizes of any file (bytes, base64, data URI; of the bytes decoded from base64 or a data: URI),
    /// and an image's dimensions
    Info(InfoArgs),
    /// Time every base64 backend and PNG level on this machine (on a built-in image, or on FILEs)
    Bench(BenchArgs),
    /// Which base64 backends and PNG checksum/unfilter kernels this build has and this CPU runs
    Backends(BackendsArgs),
    /// The whole recipe on a built-in image: PNG, base64, back, check, sizes, timings
    Demo,
}

#[derive(clap::Args, Debug)]
struct EncodeArgs {
    /// Input file; `-` or absent reads stdin
    #[arg(value_name = "FILE")]
    input: Option<PathBuf>,
    /// Write to OUT instead of stdout (replaced only if the whole run succeeds; `-` is stdout)
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// URL-safe alphabet (`-` and `_` for `+` and `/`)
    #[arg(long, conflicts_with = "data_uri")]
    url_safe: bool,
    /// Omit the `=` padding
    #[arg(long)]
    no_pad: bool,
    /// Break lines every N symbols (0: one line)
    #[arg(long, value_name = "N", default_value_t = 0)]
    wrap: usize,
    /// Write a `data:<mime>;base64,...` URI
    #[arg(long)]
    data_uri: bool,
    /// MIME type of the data: URI (default: sniffed from the bytes; image/png with --png)
    #[arg(long, value_name = "TYPE", requires = "data_uri")]
    mime: Option<String>,
    /// Read FILE as an image (PNG, PGM/PPM/PAM, or --raw pixels) and encode a lossless PNG of it
    #[arg(long)]
    png: bool,
    /// PNG compression level 0-9 (0 stores, 1 fastest, 9 smallest)
    #[arg(long, value_name = "N", requires = "png", value_parser = clap::value_parser!(u8).range(0..=9))]
    level: Option<u8>,
    /// The input's colour samples are in BGR(A) order (OpenCV's)
    #[arg(long, requires = "png")]
    bgr: bool,
    /// FILE is raw pixels: width x height x channels, optionally x16 for 16-bit big-endian
    #[arg(long, value_name = "WxHxC", requires = "png")]
    raw: Option<RawSpec>,
}

#[derive(clap::Args, Debug)]
struct DecodeArgs {
    /// Input file; `-` or absent reads stdin
    #[arg(value_name = "FILE")]
    input: Option<PathBuf>,
    /// Write to OUT instead of stdout (replaced only if the whole run succeeds; `-` is stdout)
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// URL-safe alphabet (plain base64 input only; data: URIs use the standard one)
    #[arg(long)]
    url_safe: bool,
    /// Accept input without `=` padding (padded input still decodes)
    #[arg(long)]
    no_pad: bool,
    /// Ignore non-zero bits in the last symbol (as Python's b64decode does:
    /// `aGVsbG9=` reads as "hello")
    #[arg(long)]
    trailing_bits: bool,
    /// Read plain base64 as Python's base64.b64decode does: bytes outside the alphabet
    /// discarded, decoding stops at the padding, trailing bits ignored
    #[arg(long)]
    lenient: bool,
    /// Decode the bytes as an image (PNG, JPEG or netpbm) and write it in this format
    #[arg(long, value_name = "FORMAT")]
    to: Option<Format>,
    /// Write binary output to stdout even when it is a terminal (refused without this)
    #[arg(short, long)]
    force: bool,
    /// With --to: write colour samples in BGR(A) order (OpenCV's)
    #[arg(long, requires = "to")]
    bgr: bool,
    /// With --to: allow images needing up to SIZE bytes (e.g. 2G, 512M; default 256M)
    #[arg(long, value_name = "SIZE", requires = "to", conflicts_with = "no_limits", value_parser = parse_size)]
    max_bytes: Option<usize>,
    /// With --to: no bounds on the image's size but the machine's
    #[arg(long, requires = "to")]
    no_limits: bool,
    /// With --to: decode a PNG or JPEG as OpenCV's cv2.imdecode does with this read mode
    /// (channels, BGR order, bit depth)
    #[arg(long, value_name = "MODE", requires = "to")]
    mode: Option<ReadMode>,
}

/// `512M`, `2G`, `1000000`: bytes, with an optional K, M or G (powers of 1024).
fn parse_size(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let (num, shift) = match t.as_bytes().last() {
        Some(b'K' | b'k') => (&t[..t.len() - 1], 10),
        Some(b'M' | b'm') => (&t[..t.len() - 1], 20),
        Some(b'G' | b'g') => (&t[..t.len() - 1], 30),
        _ => (t, 0),
    };
    num.parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(1 << shift))
        .ok_or_else(|| format!("expected a size such as 512M, 2G or 1000000, not {s:?}"))
}

/// OpenCV's `cv2.IMREAD_*` modes for `decode --mode`.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum ReadMode {
    /// cv2.IMREAD_UNCHANGED: 1 (gray), 3 or 4 channels (BGR/BGRA), 16 bits kept
    Unchanged,
    /// cv2.IMREAD_COLOR: 3 channels, BGR, 8-bit; a JPEG turned by its EXIF orientation
    Color,
    /// cv2.IMREAD_GRAYSCALE: 1 channel, 8-bit; a JPEG turned by its EXIF orientation
    Grayscale,
}

impl ReadMode {
    fn options(self) -> pixb64::png::DecodeOptions {
        use pixb64::png::DecodeOptions;
        match self {
            ReadMode::Unchanged => DecodeOptions::imread_unchanged(),
            ReadMode::Color => DecodeOptions::imread_color(),
            ReadMode::Grayscale => DecodeOptions::imread_grayscale(),
        }
    }
}

#[derive(clap::Args, Debug)]
struct BackendsArgs {
    /// Only the names of the base64 backends this CPU runs, one a line, best last
    #[arg(long)]
    runnable: bool,
}

#[derive(clap::Args, Debug)]
struct BenchArgs {
    /// Files to time base64 (and, for images, PNG) on, instead of the built-in data
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
}

#[derive(clap::Args, Debug)]
struct InfoArgs {
    /// Input file; `-` or absent reads stdin
    #[arg(value_name = "FILE")]
    input: Option<PathBuf>,
    /// One JSON object instead of text
    #[arg(long)]
    json: bool,
    /// FILE's bytes are the file: do not read base64 or a data: URI in it
    #[arg(long)]
    bytes: bool,
}

/// Why a command failed.
pub enum Failure {
    /// The input is not valid base64: the error, the input's name (`stdin`,
    /// `'x.b64'`), and whether it is the body of a `data:` URL (whose
    /// offsets count from the byte after the `,`).
    Decode {
        err: DecodeError,
        input: String,
        uri_body: bool,
    },
    /// Bad data (a data: URL, an image): the whole message, naming the input.
    Invalid(String),
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

/// What a base64 error usually means on the command line.
fn decode_hint(e: &pixb64::base64::DecodeError) -> &'static str {
    use pixb64::base64::DecodeError::*;
    match e {
        InvalidPadding { .. } => {
            " (the '=' padding at the end is missing or of the wrong length; --no-pad reads input without it)"
        }
        InvalidByte { byte: b'=', .. } => " (more symbols follow the '=' padding)",
        TrailingBits { .. } => "; --trailing-bits ignores them, as Python's b64decode does",
        InvalidLength { .. } => " (one symbol too many or too few: the text is cut or has a stray symbol)",
        _ => "",
    }
}

fn main() -> ExitCode {
    // Usage errors exit 2 here, through clap.
    let cli = Cli::parse();
    let result = match cli.command {
        None | Some(Command::Demo) => report::demo(),
        Some(Command::Encode(args)) => encode(&args),
        Some(Command::Decode(args)) => decode(&args),
        Some(Command::Info(args)) => info(&args),
        Some(Command::Backends(args)) => report::backends(args.runnable),
        Some(Command::Bench(args)) if args.files.is_empty() => report::bench(),
        Some(Command::Bench(args)) => report::bench_files(&args.files),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::BrokenPipe) => ExitCode::SUCCESS,
        Err(Failure::Decode {
            err,
            input,
            uri_body,
        }) => {
            let hint = decode_hint(&err);
            if uri_body {
                say(format_args!(
                    "data: URL in {input}: base64 after the ',': {err}{hint}"
                ));
            } else {
                say(format_args!("base64 in {input}: {err}{hint}"));
            }
            ExitCode::FAILURE
        }
        Err(Failure::Invalid(msg)) => {
            say(format_args!("{msg}"));
            ExitCode::FAILURE
        }
        Err(Failure::Io(what, e)) => {
            say(format_args!("{what}: {e}"));
            ExitCode::FAILURE
        }
    }
}

/// Prints `pixb64: {msg}` as one line on stderr, ignoring a failing stderr.
pub fn say(msg: std::fmt::Arguments<'_>) {
    let line = format!("pixb64: {msg}").replace(['\n', '\r'], " ");
    let _ = writeln!(io::stderr().lock(), "{line}");
}

fn codec(url_safe: bool, no_pad: bool) -> Base64 {
    let c = if url_safe { URL_SAFE } else { STANDARD };
    c.with_encode_padding(!no_pad)
}

fn encode(args: &EncodeArgs) -> Result<(), Failure> {
    let config = codec(args.url_safe, args.no_pad);
    let mut input = Input::open(args.input.as_deref())?;
    if !args.png {
        let style = stream::EncodeStyle {
            config,
            wrap: args.wrap,
            data_uri: args.data_uri.then(|| args.mime.clone()),
        };
        let name = input.name.clone();
        let r = with_output(args.output.as_deref(), |out, out_name| {
            stream::encode(&mut input.reader, &name, out, out_name, &style)
        });
        input.done();
        return r;
    }
    // An image: read whole, write a PNG of it, base64 that.
    let bytes = input.read_all()?;
    input.done();
    let img = image_io::load(bytes, args.raw, &image_io::Origin::file(&input.name))?;
    let order = if args.bgr {
        ChannelOrder::Bgr
    } else {
        ChannelOrder::Rgb
    };
    let mut opts = EncodeOptions::new().with_channel_order(order);
    if let Some(level) = args.level {
        opts = opts.with_level(level);
    }
    let mut text = png::encode_base64(&img.as_image(), &opts, &config);
    if args.wrap > 0 {
        text = text
            .as_bytes()
            .chunks(args.wrap)
            .map(|l| std::str::from_utf8(l).unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n");
    }
    with_output(args.output.as_deref(), |out, out_name| {
        let werr = |e| Failure::io(format!("cannot write {out_name}"), e);
        if args.data_uri {
            let mime = args.mime.as_deref().unwrap_or("image/png");
            write!(out, "data:{mime};base64,").map_err(werr)?;
        }
        out.write_all(text.as_bytes()).map_err(werr)?;
        out.write_all(b"\n").map_err(werr)
    })
}

fn decode(args: &DecodeArgs) -> Result<(), Failure> {
    // Padding is required unless --no-pad, which takes it or leaves it.
    let mut config = codec(args.url_safe, false);
    if args.no_pad {
        config = config.with_decode_padding(DecodePadding::Optional);
    }
    if args.trailing_bits {
        config = config.with_trailing_bits_allowed(true);
    }
    let mut input = Input::open(args.input.as_deref())?;
    let name = input.name.clone();
    let reader = std::mem::replace(&mut input.reader, Box::new(io::empty()));
    let mut dec = stream::decoder(reader, &config, args.lenient, &name)?;
    let to_terminal =
        files::file_arg(args.output.as_deref()).is_none() && io::stdout().is_terminal();
    let r = match args.to {
        None => {
            // Bound for a terminal, the first bytes decide whether the
            // output is text (elsewhere nothing waits for them).
            let mut head = Vec::new();
            if to_terminal && !args.force {
                head.resize(4096, 0);
                let n = stream::read_full(&mut dec, &mut head)
                    .map_err(|e| stream::read_failure(e, &name))?;
                head.truncate(n);
            }
            binary_to_terminal(to_terminal, args.force, None, &head)?;
            with_output(args.output.as_deref(), |out, out_name| {
                out.write_all(&head)
                    .map_err(|e| Failure::io(format!("cannot write {out_name}"), e))?;
                stream::copy_decoded(&mut dec, &name, out, out_name)
            })
        }
        Some(fmt) => {
            let mut bytes = Vec::new();
            dec.read_to_end(&mut bytes)
                .map_err(|e| stream::read_failure(e, &name))?;
            let mut limits = png::Limits::new();
            if let Some(n) = args.max_bytes {
                limits = limits.with_max_bytes(n);
            }
            if args.no_limits {
                limits = png::Limits::none();
            }
            let order = if args.bgr {
                ChannelOrder::Bgr
            } else {
                ChannelOrder::Rgb
            };
            // --mode: OpenCV's read mode (its BGR order included).
            let mut opts = args
                .mode
                .map_or(png::DecodeOptions::new(), ReadMode::options)
                .with_limits(limits);
            if args.mode.is_none() || args.bgr {
                opts = opts.with_channel_order(order);
            }
            let from = image_io::Origin::decoded(&name);
            if args.mode.is_some() && !matches!(image_io::kind(&bytes), Some("PNG" | "JPEG")) {
                return Err(Failure::Invalid(format!(
                    "--mode reads PNG and JPEG only, and {} is neither",
                    from.noun()
                )));
            }
            binary_to_terminal(to_terminal, args.force, Some(fmt), &[])?;
            let img = image_io::load_with(bytes, None, &opts, &from)?;
            let file = image_io::save(&img.as_image(), fmt);
            with_output(args.output.as_deref(), |out, out_name| {
                out.write_all(&file)
                    .map_err(|e| Failure::io(format!("cannot write {out_name}"), e))
            })
        }
    };
    input.done();
    r
}

/// The refusal to write binary output to a terminal (as gzip and zstd
/// refuse), unless `--force`: an image (`to`), or decoded bytes whose first
/// bytes `head` are not text ([`sniff::is_text`]). `to_terminal`: the
/// output is stdout and stdout is a terminal.
fn binary_to_terminal(
    to_terminal: bool,
    force: bool,
    to: Option<Format>,
    head: &[u8],
) -> Result<(), Failure> {
    if !to_terminal || force {
        return Ok(());
    }
    let what = match to {
        Some(Format::Png) => "a PNG image",
        Some(Format::Ppm) => "a PPM image",
        Some(Format::Pam) => "a PAM image",
        Some(Format::Raw) => "raw pixels",
        None if sniff::is_text(head) => return Ok(()),
        None => "the decoded bytes (not text)",
    };
    Err(Failure::Invalid(format!(
        "not writing {what} to a terminal: give -o FILE, pipe it, or --force"
    )))
}

fn info(args: &InfoArgs) -> Result<(), Failure> {
    let mut input = Input::open(args.input.as_deref())?;
    let name = input.name.clone();
    let reader = std::mem::replace(&mut input.reader, Box::new(io::empty()));
    let facts = info::Facts::read(reader, &name, args.bytes)?;
    input.done();
    let mut out = io::stdout().lock();
    let text = if args.json {
        facts.json()
    } else {
        facts.text()
    };
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Failure::io("cannot write stdout", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(to_terminal: bool, force: bool, to: Option<Format>, head: &[u8]) -> Option<String> {
        match binary_to_terminal(to_terminal, force, to, head) {
            Ok(()) => None,
            Err(Failure::Invalid(m)) => Some(m),
            Err(_) => Some("another failure".into()),
        }
    }

    #[test]
    fn binary_output_to_a_terminal_is_refused_unless_forced() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        // A terminal: binary refused, text written.
        assert_eq!(
            refused(true, false, None, png).as_deref(),
            Some("not writing the decoded bytes (not text) to a terminal: give -o FILE, pipe it, or --force")
        );
        assert_eq!(
            refused(true, false, Some(Format::Png), b"").as_deref(),
            Some("not writing a PNG image to a terminal: give -o FILE, pipe it, or --force")
        );
        for to in [Format::Ppm, Format::Pam, Format::Raw] {
            assert!(refused(true, false, Some(to), b"").is_some(), "{to:?}");
        }
        assert_eq!(
            refused(true, false, None, "héllo\tworld\r\n".as_bytes()),
            None
        );
        assert_eq!(refused(true, false, None, b""), None);
        // Control bytes (a terminal escape, NUL, DEL) and invalid UTF-8 are binary.
        for head in [&b"\x1b[2J"[..], b"a\0b", b"a\x7f", b"\xff\xfe"] {
            assert!(refused(true, false, None, head).is_some(), "{head:?}");
        }
        // UTF-8 cut at the end of the first block is still text.
        assert_eq!(refused(true, false, None, &"é".as_bytes()[..1]), None);
        // --force, a pipe or a file: written.
        assert_eq!(refused(true, true, None, png), None);
        assert_eq!(refused(true, true, Some(Format::Png), b""), None);
        assert_eq!(refused(false, false, None, png), None);
        assert_eq!(refused(false, false, Some(Format::Raw), b""), None);
    }
}
