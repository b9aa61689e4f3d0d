//! Arbitrary image and options -> our encoder -> our decoder and the `png`
//! crate, both equal to the input.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use pixb64::png::{self, EncodeOptions, Filter};
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
    pixels: Vec<u8>,
}

impl<'a> Arbitrary<'a> for Case {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let width = u.int_in_range(1..=300)?;
        let height = u.int_in_range(1..=64)?;
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
        let n = width as usize * height as usize * channels as usize * if sixteen { 2 } else { 1 };
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
    let img = Image::with_depth(c.width, c.height, c.channels, depth, &c.pixels).unwrap();
    let order = if c.bgr {
        ChannelOrder::Bgr
    } else {
        ChannelOrder::Rgb
    };
    let opts = EncodeOptions::new()
        .with_level(c.level)
        .with_filter(c.filter)
        .with_channel_order(order);
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
