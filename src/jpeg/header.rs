//! The segments before the first scan: frame size and components, the Adobe
//! colour transform, the EXIF orientation. Every read is bounds-checked;
//! nothing is allocated.

use super::JpegError;

/// What a JPEG's headers say, read without decoding any pixel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct JpegHeader {
    /// Width in pixels (1..=65535).
    pub width: u32,
    /// Height in pixels (1..=65535).
    pub height: u32,
    /// Components in the frame: 1 (gray), 3 (YCbCr or RGB) or 4 (CMYK or YCCK).
    pub components: u8,
    /// Progressive (SOF2) rather than sequential (SOF0, SOF1).
    pub progressive: bool,
    /// The EXIF orientation (IFD0 tag 0x0112), 1..=8, if the file has a valid one.
    pub orientation: Option<u8>,
    /// The three components are YCbCr (the usual case), as opposed to RGB
    /// (component ids `R`, `G`, `B`, or an Adobe transform of 0).
    pub(crate) ycbcr: bool,
    /// The four components are CMYK (no Adobe transform 2, YCCK).
    pub(crate) cmyk: bool,
    /// Each component's sampling factors (horizontal, vertical), as given.
    pub(crate) sampling: [(u8, u8); 4],
    /// The components of the first scan: fewer than the frame's means the
    /// decoder keeps every coefficient until the last scan.
    pub(crate) first_scan: u8,
}

/// Reads the headers of a JPEG up to its first scan.
pub fn read_header(data: &[u8]) -> Result<JpegHeader, JpegError> {
    if data.len() < 2 || data[0] != 0xFF || data[1] != 0xD8 {
        return Err(JpegError::NotJpeg);
    }
    let mut frame: Option<JpegHeader> = None;
    let mut ids = [0u8; 4];
    let mut adobe: Option<u8> = None;
    let mut orientation = None;
    let mut pos = 2;
    loop {
        // Bytes before a marker are tolerated (libjpeg warns, as does
        // zune-jpeg), so are fill bytes (FF FF ...).
        while pos < data.len() && data[pos] != 0xFF {
            pos += 1;
        }
        while pos < data.len() && data[pos] == 0xFF {
            pos += 1;
        }
        let Some(&marker) = data.get(pos) else {
            return Err(JpegError::Truncated { offset: data.len() });
        };
        let at = pos - 1;
        pos += 1;
        match marker {
            // Standalone markers: TEM, RST0-7, a second SOI; 00 is a stuffed byte.
            0x00 | 0x01 | 0xD0..=0xD8 => continue,
            0xD9 => return Err(JpegError::NoFrame),
            _ => {}
        }
        let len = match data.get(pos..pos + 2) {
            Some(b) => usize::from(u16::from_be_bytes([b[0], b[1]])),
            None => return Err(JpegError::Truncated { offset: data.len() }),
        };
        if len < 2 {
            return Err(JpegError::InvalidHeader {
                offset: at,
                what: "segment length below 2",
            });
        }
        let end = pos + len;
        let Some(seg) = data.get(pos + 2..end) else {
            return Err(JpegError::Truncated { offset: data.len() });
        };
        match marker {
            0xDA => {
                let mut h = frame.ok_or(JpegError::NoFrame)?;
                h.orientation = orientation;
                h.first_scan = seg.first().copied().unwrap_or(0);
                check_scan_mcu(&h, &ids, seg, at)?;
                h.ycbcr = h.components == 3 && ids[..3] != *b"RGB" && adobe != Some(0);
                h.cmyk = h.components == 4 && adobe != Some(2);
                return Ok(h);
            }
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                if !matches!(marker, 0xC0..=0xC2) {
                    return Err(JpegError::UnsupportedProcess { marker });
                }
                if frame.is_some() {
                    return Err(JpegError::InvalidHeader {
                        offset: at,
                        what: "second frame header",
                    });
                }
                if seg.len() < 6 {
                    return Err(JpegError::InvalidHeader {
                        offset: at,
                        what: "frame header too short",
                    });
                }
                if seg[0] != 8 {
                    return Err(JpegError::UnsupportedPrecision { bits: seg[0] });
                }
                let height = u32::from(u16::from_be_bytes([seg[1], seg[2]]));
                let width = u32::from(u16::from_be_bytes([seg[3], seg[4]]));
                let components = seg[5];
                if width == 0 || height == 0 {
                    return Err(JpegError::InvalidHeader {
                        offset: at,
                        what: "zero width or height (DNL is not supported)",
                    });
                }
                if !matches!(components, 1 | 3 | 4) {
                    return Err(JpegError::UnsupportedComponents { components });
                }
                if seg.len() < 6 + 3 * usize::from(components) {
                    return Err(JpegError::InvalidHeader {
                        offset: at,
                        what: "frame header too short for its components",
                    });
                }
                let mut sampling = [(1, 1); 4];
                for k in 0..usize::from(components) {
                    ids[k] = seg[6 + 3 * k];
                    let f = seg[7 + 3 * k];
                    sampling[k] = (f >> 4, f & 15);
                }
                check_sampling(&sampling[..usize::from(components)], at)?;
                frame = Some(JpegHeader {
                    width,
                    height,
                    components,
                    progressive: marker == 0xC2,
                    orientation: None,
                    ycbcr: false,
                    cmyk: false,
                    sampling,
                    first_scan: 0,
                });
            }
            0xE1 if orientation.is_none() => {
                if let Some(tiff) = seg.strip_prefix(b"Exif\0\0") {
                    orientation = crate::exif::orientation(tiff);
                }
            }
            0xEE if seg.len() >= 12 && seg.starts_with(b"Adobe") => adobe = Some(seg[11]),
            _ => {}
        }
        pos = end;
    }
}

/// libjpeg's rules for sampling factors (`jdinput.c`, `jdsample.c`): each
/// factor is 1..=4, and every component's factors divide the largest ones
/// (libjpeg-turbo has no fractional upsampling; OpenCV rejects such files).
/// Checked here so that `zune-jpeg` never sees a layout its upsamplers were
/// not written for.
fn check_sampling(sampling: &[(u8, u8)], at: usize) -> Result<(), JpegError> {
    let bad = |what| Err(JpegError::UnsupportedSampling { offset: at, what });
    if sampling
        .iter()
        .any(|&(h, v)| !(1..=4).contains(&h) || !(1..=4).contains(&v))
    {
        return bad("a factor outside 1..=4");
    }
    let hmax = sampling.iter().map(|s| s.0).max().unwrap_or(1);
    let vmax = sampling.iter().map(|s| s.1).max().unwrap_or(1);
    if sampling
        .iter()
        .any(|&(h, v)| hmax % h != 0 || vmax % v != 0)
    {
        return bad("fractional ratio between components");
    }
    Ok(())
}

/// libjpeg's bound on an interleaved scan (more than one component): at
/// most 10 blocks in its MCU (`D_MAX_BLOCKS_IN_MCU`). `seg` is the scan
/// header after its length: the component count, then (id, tables) pairs.
fn check_scan_mcu(h: &JpegHeader, ids: &[u8; 4], seg: &[u8], at: usize) -> Result<(), JpegError> {
    let n = usize::from(seg.first().copied().unwrap_or(0));
    if n < 2 {
        return Ok(());
    }
    let mut blocks = 0u32;
    for pair in seg.get(1..).unwrap_or(&[]).chunks_exact(2).take(n) {
        let frame = &ids[..usize::from(h.components)];
        if let Some(k) = frame.iter().position(|&id| id == pair[0]) {
            let (hs, vs) = h.sampling[k];
            blocks += u32::from(hs) * u32::from(vs);
        }
    }
    if blocks > 10 {
        return Err(JpegError::UnsupportedSampling {
            offset: at,
            what: "more than 10 blocks in an interleaved MCU",
        });
    }
    Ok(())
}
