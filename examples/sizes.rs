//! Step 4 of the recipe: how big the image is at each stage (the Python
//! recipe measures with `sys.getsizeof`): raw pixels, PNG at each level,
//! base64 and `data:` URI, exact byte counts.
//!
//! ```text
//! cargo run --release --example sizes
//! ```

use pixb64::{png, Image, Sizes};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A 512x384 RGB test card: smooth areas, stripes and noise.
    let (w, h) = (512u32, 384u32);
    let mut seed = 7u32;
    let mut rgb = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let noise = (seed >> 28) as u8;
            let stripe = if (x / 16) % 2 == 0 { 40 } else { 0 };
            rgb.extend_from_slice(&[(x / 4) as u8 + noise, (y / 2) as u8 + stripe, 128]);
        }
    }
    let img = Image::new(w, h, 3, &rgb)?;
    println!("| level | raw | PNG | base64 | data URI |");
    println!("|---:|---:|---:|---:|---:|");
    for level in [0, 1, 3, 6, 9] {
        let file = png::encode(&img, &png::EncodeOptions::new().with_level(level));
        let s = Sizes::new(img.byte_len(), file.len()).expect("fits in usize");
        println!(
            "| {level} | {} | {} ({:.3}) | {} | {} |",
            s.raw,
            s.png,
            s.png_ratio(),
            s.base64,
            s.data_uri
        );
        // The base64 length is the encoded one's, not a guess.
        assert_eq!(s.base64, pixb64::base64::STANDARD.encode(&file).len());
    }
    Ok(())
}
