//! Step 3 of the recipe: base64 text (or a `data:` URI) back to pixels, as
//! `cv2.imdecode(np.frombuffer(base64.b64decode(text), np.uint8), flags)`
//! does, with OpenCV's read modes.
//!
//! ```text
//! cargo run --example base64_to_pixels -- image.b64   # base64 of a PNG or JPEG,
//!                                                     # or a data: URI; none: built in
//! ```

use pixb64::base64::STANDARD;
use pixb64::png::DecodeOptions;
use pixb64::{data_uri, png, Image};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let text = match std::env::args_os().nth(1) {
        Some(path) => std::fs::read_to_string(path)?,
        None => {
            // A small RGBA image of our own, as base64 with a trailing
            // newline (as `pixb64 encode` and most tools write it).
            let px: Vec<u8> = (0..64 * 48)
                .flat_map(|i: u32| [i as u8, (i / 64) as u8, 200, 128])
                .collect();
            let img = Image::new(64, 48, 4, &px)?;
            png::encode_base64(&img, &png::EncodeOptions::new(), &STANDARD) + "\n"
        }
    };
    let text = text.trim_end();
    // The three `cv2.IMREAD_*` modes, BGR like OpenCV (a JPEG needs the
    // `jpeg` feature: `cargo run --features jpeg --example ...`).
    for (name, opts) in [
        ("IMREAD_UNCHANGED", DecodeOptions::imread_unchanged()),
        ("IMREAD_COLOR", DecodeOptions::imread_color()),
        ("IMREAD_GRAYSCALE", DecodeOptions::imread_grayscale()),
    ] {
        let img = if text.starts_with("data:") {
            data_uri::decode_image_with(text, &opts)?
        } else {
            png::decode_base64_with(text, &STANDARD, &opts)?
        };
        println!(
            "{name:<17} {}x{}, {} channel(s), {} bytes",
            img.width(),
            img.height(),
            img.channels(),
            img.data().len()
        );
    }
    Ok(())
}
