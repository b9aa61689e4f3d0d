//! Inputs and outputs: the standard streams or files, a temporary file renamed
//! over the destination only on success, and a progress bar for long runs.

use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};

use crate::Failure;

/// Output buffer size.
const OUT_BUF: usize = 64 * 1024;
/// Inputs above this size show a progress bar (when stderr is a terminal).
const PROGRESS_FROM: u64 = 64 << 20;

/// The path argument, or `None` for the standard stream (absent or `-`).
pub fn file_arg(path: Option<&Path>) -> Option<&Path> {
    path.filter(|p| p.as_os_str() != "-")
}

/// An open input: the reader and a name for messages.
pub struct Input {
    pub reader: Box<dyn Read>,
    pub name: String,
    bar: Option<ProgressBar>,
}

impl Input {
    /// Opens `path` (stdin for `None` or `-`), with a progress bar on stderr
    /// if it is a file over 64 MiB and stderr is a terminal.
    pub fn open(path: Option<&Path>) -> Result<Input, Failure> {
        match file_arg(path) {
            None => Ok(Input {
                reader: Box::new(io::stdin().lock()),
                name: "stdin".into(),
                bar: None,
            }),
            Some(p) => {
                let name = format!("'{}'", p.display());
                let f = File::open(p).map_err(|e| Failure::io(format!("cannot open {name}"), e))?;
                let len = f.metadata().map(|m| m.len()).unwrap_or(0);
                let bar = (len > PROGRESS_FROM && io::stderr().is_terminal()).then(|| {
                    let bar = ProgressBar::new(len);
                    bar.set_style(
                        ProgressStyle::with_template(
                            "{bytes}/{total_bytes} {wide_bar} {bytes_per_sec} eta {eta}",
                        )
                        .unwrap_or_else(|_| ProgressStyle::default_bar()),
                    );
                    bar
                });
                let reader: Box<dyn Read> = match &bar {
                    Some(b) => Box::new(b.wrap_read(f)),
                    None => Box::new(f),
                };
                Ok(Input { reader, name, bar })
            }
        }
    }

    /// Reads the whole input.
    pub fn read_all(&mut self) -> Result<Vec<u8>, Failure> {
        let mut v = Vec::new();
        self.reader
            .read_to_end(&mut v)
            .map_err(|e| Failure::io(format!("cannot read {}", self.name), e))?;
        Ok(v)
    }

    /// Removes the progress bar, if any.
    pub fn done(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

/// Runs `body` with a buffered writer to `path` (stdout for `None` or `-`).
/// A file destination is written to a temporary file next to it and renamed
/// over it only when `body` and the flush succeed, so a failed run leaves no
/// partial file and an existing one untouched.
pub fn with_output(
    path: Option<&Path>,
    body: impl FnOnce(&mut dyn Write, &str) -> Result<(), Failure>,
) -> Result<(), Failure> {
    match file_arg(path) {
        None => {
            let mut out = BufWriter::with_capacity(OUT_BUF, io::stdout().lock());
            body(&mut out, "stdout")?;
            out.flush()
                .map_err(|e| Failure::io("cannot write stdout", e))
        }
        Some(dest) => {
            let name = format!("'{}'", dest.display());
            let tmp = TempFile::create(dest)?;
            let mut out = BufWriter::with_capacity(OUT_BUF, &tmp.file);
            body(&mut out, &name)?;
            out.flush()
                .map_err(|e| Failure::io(format!("cannot write {name}"), e))?;
            drop(out);
            tmp.commit(dest)
        }
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

/// Reads into `buf`, retrying on `Interrupted`.
pub fn read_some(r: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match r.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}
