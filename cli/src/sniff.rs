//! MIME type sniffing from a file's first bytes, for `encode --data-uri`.

/// The MIME type the first bytes of a file suggest; `application/octet-stream`
/// when nothing matches.
pub fn mime(head: &[u8]) -> &'static str {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xFF\xD8\xFF", "image/jpeg"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
        (b"BM", "image/bmp"),
        (b"II*\0", "image/tiff"),
        (b"MM\0*", "image/tiff"),
        (b"\0\0\x01\0", "image/x-icon"),
        (b"%PDF-", "application/pdf"),
        (b"PK\x03\x04", "application/zip"),
        (b"\x1f\x8b", "application/gzip"),
        (b"\0asm", "application/wasm"),
    ];
    for (sig, mime) in SIGNATURES {
        if head.starts_with(sig) {
            return mime;
        }
    }
    if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return "image/webp";
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" && matches!(&head[8..12], b"avif" | b"avis") {
        return "image/avif";
    }
    let text = head.trim_ascii_start();
    if text.starts_with(b"<svg") || (text.starts_with(b"<?xml") && contains(text, b"<svg")) {
        return "image/svg+xml";
    }
    if crate::netpbm::sniff(head) {
        return "image/x-portable-anymap";
    }
    if !head.is_empty() && is_text(head) {
        return "text/plain;charset=utf-8";
    }
    "application/octet-stream"
}

/// Whether `head` (the first bytes of something) is text: valid UTF-8 (a
/// multi-byte sequence cut at the end is fine) with no control bytes but
/// TAB, LF, FF and CR (so no terminal escapes). Empty is text.
pub fn is_text(head: &[u8]) -> bool {
    let valid = match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    };
    valid
        && head
            .iter()
            .all(|&b| (b >= 0x20 && b != 0x7F) || matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::mime;

    #[test]
    fn sniffs() {
        assert_eq!(mime(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "image/png");
        assert_eq!(mime(b"\xFF\xD8\xFF\xE0\0\x10JFIF"), "image/jpeg");
        assert_eq!(mime(b"GIF89a..."), "image/gif");
        assert_eq!(mime(b"RIFF\0\0\0\0WEBPVP8 "), "image/webp");
        assert_eq!(mime(b"  <svg xmlns=..."), "image/svg+xml");
        assert_eq!(mime("héllo\n".as_bytes()), "text/plain;charset=utf-8");
        assert_eq!(mime(b"\0\x01\x02"), "application/octet-stream");
        assert_eq!(mime(b""), "application/octet-stream");
        assert_eq!(mime(b"P6\n1 1\n255\n"), "image/x-portable-anymap");
    }
}
