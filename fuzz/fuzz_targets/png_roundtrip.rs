//! Arbitrary image and options (every level, filter policy, channel order,
//! deflater and 1..=3 threads) -> our encoder -> our decoder and the `png`
//! crate, both equal to the input.
//!
//! With threads, one case in 32 is made tall enough (512 KiB to 1 MiB of
//! pixels) for the encoder to cut it into strips; the rest stay small (up to
//! 300x64) to keep executions quick.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use pixb64::png::{self, Deflater, EncodeOptions, Filter};
use pixb64::{ChannelOrder, Depth, Image};

#[derive(Debug)]
struct Case {
    width: u32,
    height: u32,
    channels: u8,
    sixteen: bool,
    level: u8,
    filter: Filter,
    bgr: bool,
    deflater: Deflater,
    threads: usize,
    pixels: Vec<u8>,
}

impl<'a> Arbitrary<'a> for Case {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let width = u.int_in_range(1..=300)?;
        let mut height = u.int_in_range(1..=64)?;
        let channels = u.int_in_range(1..=4)?;
        let sixteen = u.arbitrary()?;
        let level = u.int_in_range(0..=9)?;
        let filter = *u.choose(&[
            Filter::Adaptive,
            Filter::None,
            Filter::Sub,
            Filter::Up,
            Filter::Average,
            Filter::Paeth,
        ])?;
        let bgr = u.arbitrary()?;
        let deflater = *u.choose(&[Deflater::Pixb64, Deflater::MinizOxide])?;
        let threads = u.int_in_range(1..=3)?;
        let px = channels as usize * if sixteen { 2 } else { 1 };
        if threads > 1 && u.ratio(1u8, 32u8)? {
            // Tall enough for 2..=3 strips (256 KiB each at least).
            let row = width as usize * px;
            let target: usize = u.int_in_range(512 * 1024..=1024 * 1024)?;
            height = target.div_ceil(row).min(1 << 20) as u32;
        }
        let n = width as usize * height as usize * px;
        // The fuzzer's bytes, repeated to fill the image (keeps inputs small).
        let seed = u.bytes(u.len().min(n))?;
        let pixels = if seed.is_empty() {
            vec![0; n]
        } else {
            seed.iter().copied().cycle().take(n).collect()
        };
        Ok(Case {
            width,
            height,
            channels,
            sixteen,
            level,
            filter,
            bgr,
            deflater,
            threads,
            pixels,
        })
    }
}

fuzz_target!(|c: Case| {
    let depth = if c.sixteen {
        Depth::Sixteen
    } else {
        Depth::Eight
    };
    let img = Image::new_with_depth(c.width, c.height, c.channels, depth, &c.pixels).unwrap();
    let order = if c.bgr {
        ChannelOrder::Bgr
    } else {
        ChannelOrder::Rgb
    };
    let opts = EncodeOptions::new()
        .with_level(c.level)
        .with_filter(c.filter)
        .with_channel_order(order)
        .with_deflater(c.deflater)
        .with_threads(c.threads);
    let file = png::encode(&img, &opts);
    // What the PNG must hold: the input, red and blue swapped for BGR.
    let mut want = c.pixels.clone();
    if c.bgr && c.channels >= 3 {
        let s = if c.sixteen { 2 } else { 1 };
        let px = usize::from(c.channels) * s;
        for p in want.chunks_exact_mut(px) {
            for k in 0..s {
                p.swap(k, 2 * s + k);
            }
        }
    }
    let ours = png::decode(&file).expect("our decoder reads our file");
    assert_eq!(ours.data(), &want[..]);
    let mut d = ::png::Decoder::new(std::io::Cursor::new(&file[..]));
    d.set_transformations(::png::Transformations::IDENTITY);
    let mut r = d.read_info().expect("png crate reads our file");
    let mut buf = vec![0; r.output_buffer_size().unwrap()];
    let info = r.next_frame(&mut buf).expect("png crate decodes our file");
    assert_eq!(&buf[..info.buffer_size()], &want[..]);
});
