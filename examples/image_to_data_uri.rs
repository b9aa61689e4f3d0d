//! Step 2 of the recipe: pixels to PNG to base64 and a `data:` URI, as
//! `cv2.imencode('.png', img)` then `base64.b64encode` do; here straight
//! from pixels to text, without the PNG in between.
//!
//! ```text
//! cargo run --example image_to_data_uri
//! ```

use pixb64::base64::STANDARD;
use pixb64::{data_uri, png, ChannelOrder, Image};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A 320x240 BGR frame, as OpenCV holds one: a gradient and a square.
    let (w, h) = (320u32, 240u32);
    let mut bgr = vec![0u8; (w * h * 3) as usize];
    for y in 0..h {
        for x in 0..w {
            let i = ((y * w + x) * 3) as usize;
            let inside = (100..220).contains(&x) && (60..180).contains(&y);
            bgr[i] = (x * 255 / w) as u8;
            bgr[i + 1] = (y * 255 / h) as u8;
            bgr[i + 2] = if inside { 255 } else { 40 };
        }
    }
    let img = Image::new(w, h, 3, &bgr)?;
    let opts = png::EncodeOptions::new().with_channel_order(ChannelOrder::Bgr);

    let file = png::encode(&img, &opts);
    let text = png::encode_base64(&img, &opts, &STANDARD);
    let uri = data_uri::encode_png(&img, &opts);
    println!(
        "raw {} bytes, PNG {} bytes, base64 {} characters",
        img.byte_len(),
        file.len(),
        text.len()
    );
    println!("{}...", &uri[..uri.len().min(70)]);

    // The base64 is the PNG's, and the URI is the base64 with its prefix.
    assert_eq!(STANDARD.decode(&text)?, file);
    assert_eq!(
        uri.strip_prefix("data:image/png;base64,"),
        Some(text.as_str())
    );

    // Higher levels: smaller, slower.
    let small = png::encode(&img, &png::EncodeOptions::new().with_level(9));
    println!("level 9: PNG {} bytes", small.len());
    Ok(())
}
