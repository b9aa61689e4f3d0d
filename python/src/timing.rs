//! `_rust_per_call`: the Rust calls behind the module's functions, timed
//! inside Rust with the GIL released, for `bench.py`'s binding-overhead
//! table (issue 17: each call at most 5% slower from Python than the same
//! Rust call on a 1 MP image). Not part of the API (leading underscore).

use std::hint::black_box;
use std::time::Instant;

use pixb64::base64::{PYTHON, STANDARD};
use pixb64::png::{self, DecodeOptions, EncodeOptions};
use pixb64::{ChannelOrder, Image};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

/// Seconds per call of `f`, from a batch of calls lasting about `budget`
/// (after one call that sizes the batch): `bench.py`'s `per_call`.
fn per_call(budget: f64, mut f: impl FnMut()) -> f64 {
    let t = Instant::now();
    f();
    let one = t.elapsed().as_secs_f64().max(1e-9);
    let n = ((budget / one) as usize).max(1);
    let t = Instant::now();
    for _ in 0..n {
        f();
    }
    t.elapsed().as_secs_f64() / n as f64
}

/// Seconds per call of the library call behind `pixb64.<call>` on `data`
/// (raw 8-bit pixels of shape `(height, width, channels)` for the encoders,
/// file or text bytes for the decoders), run about `budget` seconds per batch.
#[pyfunction]
#[pyo3(signature = (call, data, shape=(0, 0, 0), budget=0.05))]
pub(crate) fn _rust_per_call(
    py: Python<'_>,
    call: &str,
    data: Vec<u8>,
    shape: (u32, u32, u8),
    budget: f64,
) -> PyResult<f64> {
    let (h, w, c) = shape;
    let image = || Image::new(w, h, c, &data).map_err(|e| PyValueError::new_err(e.to_string()));
    let level1 = EncodeOptions::new();
    Ok(match call {
        "b64encode" => py.detach(|| per_call(budget, || drop(black_box(STANDARD.encode(&data))))),
        "b64decode" => py.detach(|| per_call(budget, || drop(black_box(PYTHON.decode(&data))))),
        "encode_png" => {
            let img = image()?;
            py.detach(|| per_call(budget, || drop(black_box(png::encode(&img, &level1)))))
        }
        "encode_png_base64" => {
            let img = image()?;
            py.detach(|| {
                per_call(budget, || {
                    drop(black_box(png::encode_base64(&img, &level1, &STANDARD)))
                })
            })
        }
        "imencode" => {
            let img = image()?;
            let o = EncodeOptions::new().with_channel_order(ChannelOrder::Bgr);
            py.detach(|| per_call(budget, || drop(black_box(png::encode(&img, &o)))))
        }
        "decode_image" => py.detach(|| {
            per_call(budget, || {
                drop(black_box(pixb64::decode_image(
                    &data,
                    &DecodeOptions::new(),
                )))
            })
        }),
        "imdecode" => py.detach(|| {
            let o = DecodeOptions::imread_color();
            per_call(budget, || drop(black_box(pixb64::decode_image(&data, &o))))
        }),
        "decode_image_base64" => py.detach(|| {
            // As the binding: Python's base64 rules, then the sniffing reader.
            per_call(budget, || {
                let file = PYTHON.decode(&data).unwrap_or_default();
                drop(black_box(pixb64::decode_image(
                    &file,
                    &DecodeOptions::new(),
                )))
            })
        }),
        _ => return Err(PyValueError::new_err(format!("no Rust call {call:?}"))),
    })
}
