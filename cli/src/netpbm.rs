//! Netpbm images in and out: PGM (`P5`, and plain `P2`), PPM (`P6`, plain
//! `P3`) and PAM (`P7`), with maxval 255 (8-bit) or 65535 (16-bit,
//! big-endian samples: PNG's own layout, so no conversion either way).
//!
//! Other maxvals are refused rather than rescaled: pixb64 promises lossless
//! transport, and a rescale would change the sample values.

use std::fmt;

/// A decoded netpbm image.
#[derive(Debug, PartialEq, Eq)]
pub struct Pnm {
    pub width: u32,
    pub height: u32,
    pub channels: u8,
    pub sixteen: bool,
    pub data: Vec<u8>,
}

#[derive(Debug, PartialEq, Eq)]
pub struct PnmError(pub String);

impl fmt::Display for PnmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn err<T>(msg: impl Into<String>) -> Result<T, PnmError> {
    Err(PnmError(msg.into()))
}

/// Whether `data` starts like a netpbm file this module reads.
pub fn sniff(data: &[u8]) -> bool {
    matches!(data, [b'P', b'2' | b'3' | b'5' | b'6' | b'7', c, ..] if c.is_ascii_whitespace())
}

/// A cursor over the header's whitespace-separated tokens (with `#` comments).
struct Header<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Header<'a> {
    fn skip_space(&mut self) {
        while let Some(&c) = self.data.get(self.pos) {
            if c == b'#' {
                while self.data.get(self.pos).is_some_and(|&c| c != b'\n') {
                    self.pos += 1;
                }
            } else if c.is_ascii_whitespace() {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn token(&mut self) -> Option<&'a [u8]> {
        self.skip_space();
        let start = self.pos;
        while self
            .data
            .get(self.pos)
            .is_some_and(|c| !c.is_ascii_whitespace())
        {
            self.pos += 1;
        }
        (self.pos > start).then(|| &self.data[start..self.pos])
    }

    fn number(&mut self, what: &str) -> Result<u32, PnmError> {
        let Some(t) = self.token() else {
            return err(format!("netpbm: missing {what}"));
        };
        match std::str::from_utf8(t)
            .ok()
            .and_then(|s| s.parse::<u32>().ok())
        {
            Some(n) => Ok(n),
            None => err(format!(
                "netpbm: bad {what} {:?}",
                String::from_utf8_lossy(t)
            )),
        }
    }
}

/// Parses a netpbm file.
pub fn decode(data: &[u8]) -> Result<Pnm, PnmError> {
    if !sniff(data) {
        return err("not a netpbm file (P2/P3/P5/P6/P7)");
    }
    let kind = data[1];
    let mut h = Header { data, pos: 2 };
    let (width, height, channels, maxval) = if kind == b'7' {
        let (mut w, mut hh, mut depth, mut maxval, mut tuple) = (None, None, None, None, None);
        loop {
            let Some(key) = h.token() else {
                return err("PAM: header has no ENDHDR");
            };
            match key {
                b"ENDHDR" => break,
                b"WIDTH" => w = Some(h.number("WIDTH")?),
                b"HEIGHT" => hh = Some(h.number("HEIGHT")?),
                b"DEPTH" => depth = Some(h.number("DEPTH")?),
                b"MAXVAL" => maxval = Some(h.number("MAXVAL")?),
                b"TUPLTYPE" => tuple = h.token().map(<[u8]>::to_vec),
                other => {
                    return err(format!(
                        "PAM: unknown header field {:?}",
                        String::from_utf8_lossy(other)
                    ))
                }
            }
        }
        // ENDHDR is followed by exactly one newline.
        if data.get(h.pos) != Some(&b'\n') {
            return err("PAM: ENDHDR must end its line");
        }
        h.pos += 1;
        let (Some(w), Some(hh), Some(depth), Some(maxval)) = (w, hh, depth, maxval) else {
            return err("PAM: WIDTH, HEIGHT, DEPTH and MAXVAL are required");
        };
        if let Some(t) = tuple {
            let want: &[u8] = match depth {
                1 => b"GRAYSCALE",
                2 => b"GRAYSCALE_ALPHA",
                3 => b"RGB",
                4 => b"RGB_ALPHA",
                _ => b"",
            };
            if t != want && !(depth == 1 && t == b"BLACKANDWHITE") {
                return err(format!(
                    "PAM: TUPLTYPE {:?} with DEPTH {depth} is not supported",
                    String::from_utf8_lossy(&t)
                ));
            }
        }
        (w, hh, depth, maxval)
    } else {
        let w = h.number("width")?;
        let hh = h.number("height")?;
        let maxval = h.number("maxval")?;
        // One whitespace byte ends the header of the binary formats.
        if !data.get(h.pos).is_some_and(u8::is_ascii_whitespace) {
            return err("netpbm: header must end with one whitespace byte");
        }
        h.pos += 1;
        let channels = if matches!(kind, b'2' | b'5') { 1 } else { 3 };
        (w, hh, channels, maxval)
    };
    if !(1..=4).contains(&channels) {
        return err(format!("netpbm: {channels} channels (1 to 4 supported)"));
    }
    let sixteen = match maxval {
        255 => false,
        65535 => true,
        m => {
            return err(format!(
                "netpbm: maxval {m} (only 255 and 65535 are lossless in PNG)"
            ))
        }
    };
    if width == 0 || height == 0 {
        return err(format!("netpbm: empty image {width}x{height}"));
    }
    let bytes =
        u64::from(width) * u64::from(height) * u64::from(channels) * if sixteen { 2 } else { 1 };
    let body = &data[h.pos.min(data.len())..];
    let data = if matches!(kind, b'2' | b'3') {
        // Plain: decimal samples.
        let samples = usize::try_from(bytes / if sixteen { 2 } else { 1 })
            .map_err(|_| PnmError("netpbm: image too large".into()))?;
        if samples > body.len() {
            return err("netpbm: truncated (fewer samples than the header says)");
        }
        let mut out = Vec::with_capacity(samples * if sixteen { 2 } else { 1 });
        let mut t = Header { data: body, pos: 0 };
        for _ in 0..samples {
            let v = t.number("sample")?;
            if v > maxval {
                return err(format!("netpbm: sample {v} exceeds maxval {maxval}"));
            }
            if sixteen {
                out.extend_from_slice(&(v as u16).to_be_bytes());
            } else {
                out.push(v as u8);
            }
        }
        out
    } else {
        let Ok(n) = usize::try_from(bytes) else {
            return err("netpbm: image too large");
        };
        if body.len() < n {
            return err(format!(
                "netpbm: truncated: {} of {n} pixel bytes",
                body.len()
            ));
        }
        body[..n].to_vec()
    };
    Ok(Pnm {
        width,
        height,
        channels: channels as u8,
        sixteen,
        data,
    })
}

/// Writes `img` as binary PGM (1 channel), PPM (3) or, for 2 and 4 channels
/// or when `pam` is set, PAM.
pub fn encode(
    width: u32,
    height: u32,
    channels: u8,
    sixteen: bool,
    data: &[u8],
    pam: bool,
) -> Vec<u8> {
    let maxval = if sixteen { 65535 } else { 255 };
    let mut out = if pam || channels == 2 || channels == 4 {
        let tuple = ["GRAYSCALE", "GRAYSCALE_ALPHA", "RGB", "RGB_ALPHA"][usize::from(channels - 1)];
        format!(
            "P7\nWIDTH {width}\nHEIGHT {height}\nDEPTH {channels}\nMAXVAL {maxval}\nTUPLTYPE {tuple}\nENDHDR\n"
        )
        .into_bytes()
    } else {
        let magic = if channels == 1 { "P5" } else { "P6" };
        format!("{magic}\n{width} {height}\n{maxval}\n").into_bytes()
    };
    out.extend_from_slice(data);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_round_trips() {
        for channels in 1..=4u8 {
            for sixteen in [false, true] {
                for pam in [false, true] {
                    let n = 3 * 2 * usize::from(channels) * if sixteen { 2 } else { 1 };
                    let data: Vec<u8> = (0..n).map(|i| (i * 37) as u8).collect();
                    let file = encode(3, 2, channels, sixteen, &data, pam);
                    let p = decode(&file).unwrap();
                    assert_eq!(
                        p,
                        Pnm {
                            width: 3,
                            height: 2,
                            channels,
                            sixteen,
                            data: data.clone()
                        }
                    );
                }
            }
        }
    }

    #[test]
    fn plain_and_comments() {
        let p = decode(b"P2\n# a comment\n2 2 # more\n255\n0 1\n254 255\n").unwrap();
        assert_eq!((p.width, p.height, p.channels), (2, 2, 1));
        assert_eq!(p.data, [0, 1, 254, 255]);
        let p = decode(b"P3 1 1 65535 1 256 65535").unwrap();
        assert!(p.sixteen);
        assert_eq!(p.data, [0, 1, 1, 0, 255, 255]);
    }

    #[test]
    fn errors() {
        assert!(decode(b"P6\n2 2\n255\nabc")
            .unwrap_err()
            .0
            .contains("truncated"));
        assert!(decode(b"P5\n2 2\n15\n1234")
            .unwrap_err()
            .0
            .contains("maxval 15"));
        assert!(decode(b"P5\n0 2\n255\n").unwrap_err().0.contains("empty"));
        assert!(
            decode(b"P7\nWIDTH 1\nHEIGHT 1\nDEPTH 5\nMAXVAL 255\nENDHDR\n12345")
                .unwrap_err()
                .0
                .contains("5 channels")
        );
        assert!(decode(b"P2 1 1 255 300").unwrap_err().0.contains("exceeds"));
        assert!(decode(b"GIF89a").is_err());
        assert!(decode(b"P5\n4294967295 4294967295\n255\n").is_err());
    }
}
