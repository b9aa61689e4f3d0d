//! JPEG decoding: pixb64::decode_image (default options, RGB; and OpenCV's
//! IMREAD_COLOR preset, BGR) against zune-jpeg called directly (RGB), on the
//! files `benches/opencv_jpeg.py` writes to target/jpeg-bench/ (run it
//! first; it also times cv2.imdecode on them).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use pixb64::png::DecodeOptions;
use zune_jpeg::zune_core::bytestream::ZCursor;
use zune_jpeg::zune_core::colorspace::ColorSpace;
use zune_jpeg::zune_core::options::DecoderOptions;
use zune_jpeg::JpegDecoder;

fn bench(c: &mut Criterion) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/jpeg-bench");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("run benches/opencv_jpeg.py first")
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for path in files {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let data = std::fs::read(&path).unwrap();
        let img = pixb64::decode_image(&data, &DecodeOptions::new()).unwrap();
        let gray = img.channels() == 1;
        let mut g = c.benchmark_group(format!("jpeg_decode/{name}"));
        g.throughput(Throughput::Elements(u64::from(img.width() * img.height())));
        g.sample_size(30);
        g.bench_function("pixb64 decode_image", |b| {
            b.iter(|| pixb64::decode_image(black_box(&data), &DecodeOptions::new()).unwrap())
        });
        let cv = if gray {
            DecodeOptions::imread_grayscale()
        } else {
            DecodeOptions::imread_color()
        };
        g.bench_function("pixb64 imread preset", |b| {
            b.iter(|| pixb64::decode_image(black_box(&data), &cv).unwrap())
        });
        let cs = if gray {
            ColorSpace::Luma
        } else {
            ColorSpace::RGB
        };
        g.bench_function("zune-jpeg direct", |b| {
            b.iter(|| {
                let o = DecoderOptions::default().jpeg_set_out_colorspace(cs);
                JpegDecoder::new_with_options(ZCursor::new(black_box(&data[..])), o)
                    .decode()
                    .unwrap()
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
