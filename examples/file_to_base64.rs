//! Step 1 of the recipe: any file to base64 text and back, as Python's
//! `base64.b64encode` / `b64decode` do.
//!
//! ```text
//! cargo run --example file_to_base64 -- some.file    # or no argument: built-in bytes
//! ```

use pixb64::base64::{LineEnding, STANDARD};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let bytes = match std::env::args_os().nth(1) {
        Some(path) => std::fs::read(path)?,
        // Built-in data: every byte value, then a pattern.
        None => (0..=255u8)
            .chain((0..4000u32).map(|i| (i * 7 % 251) as u8))
            .collect(),
    };
    let text = STANDARD.encode(&bytes);
    println!("{} bytes -> {} base64 characters", bytes.len(), text.len());
    println!("starts: {}", &text[..text.len().min(60)]);

    // Back, exactly.
    let back = STANDARD.decode(&text)?;
    assert_eq!(back, bytes);

    // Line-wrapped (MIME, PEM), read back by a config that skips the line
    // breaks (as Python's `b64decode` does).
    let wrapped = STANDARD.encode_wrapped(&bytes, 76, LineEnding::CrLf);
    let lines = STANDARD.with_whitespace_skipped(true);
    assert_eq!(lines.decode(&wrapped)?, bytes);
    println!("round trip ok (plain and wrapped at 76 columns)");
    Ok(())
}
