//! Python bindings of pixb64 (module `pixb64`): base64 with
//! `base64.b64encode` / `b64decode`'s results and errors, numpy images to
//! PNG, base64 and `data:` URIs and back, and `cv2.imencode` /
//! `cv2.imdecode` look-alikes. One abi3 wheel for CPython 3.9+.
//!
//! Every call that does real work releases the GIL while it runs (the
//! base64 calls only above [`DETACH_MIN`] bytes, where it pays).

use std::borrow::Cow;

use numpy::ndarray::{ArrayD, ArrayViewD};
use numpy::{
    dtype, PyArray1, PyArrayDescrMethods, PyArrayDyn, PyArrayMethods, PyReadonlyArrayDyn,
    PyUntypedArray, PyUntypedArrayMethods,
};
use pixb64::base64::{PythonError, PYTHON, STANDARD};
use pixb64::png::{self, Channels, DecodeOptions, EncodeOptions};
use pixb64::{data_uri, ChannelOrder, Depth, Image, ImageBuf, Sizes};
use pyo3::exceptions::{PyAssertionError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyString, PyTuple};

pyo3::create_exception!(
    pixb64,
    Error,
    PyValueError,
    "Base class of pixb64's errors (a ValueError)."
);
pyo3::create_exception!(
    pixb64,
    DecodeError,
    Error,
    "Invalid or unsupported PNG, JPEG, base64 or data: URL input; the message gives the byte offset where there is one."
);
pyo3::create_exception!(
    pixb64,
    ImageError,
    Error,
    "An array that is not an image pixb64 encodes: dtype other than uint8/uint16, a shape other than (H, W) or (H, W, C) with C in 1..4, or an empty one."
);

mod timing;

mod binascii {
    pyo3::import_exception!(binascii, Error);
}

/// Inputs shorter than this are base64-coded without releasing the GIL:
/// the release and re-acquisition cost more than the work.
const DETACH_MIN: usize = 32 * 1024;

// ---------------------------------------------------------------------------
// Bytes in and out.

// `PyUnicode_AsUTF8AndSize`: exported by every CPython 3 (and so safe to
// call from an abi3 wheel on 3.9), but in the limited API only from 3.10,
// so pyo3-ffi declares it only there. For an ASCII `str` it returns the
// object's own data, without a copy.
extern "C" {
    fn PyUnicode_AsUTF8AndSize(
        unicode: *mut pyo3::ffi::PyObject,
        size: *mut pyo3::ffi::Py_ssize_t,
    ) -> *const std::ffi::c_char;
}

/// The bytes of a bytes-like argument, borrowed where Python allows it.
struct ByteInput<'py> {
    /// Keeps the object whose memory `ptr` points into alive.
    _keep: Option<Bound<'py, PyAny>>,
    owned: Vec<u8>,
    ptr: *const u8,
    len: usize,
}

impl ByteInput<'_> {
    fn as_slice(&self) -> &[u8] {
        if self.ptr.is_null() {
            &self.owned
        } else {
            // SAFETY: `ptr` points at `len` bytes of an immutable `bytes`
            // or `str` object, or of a C-contiguous numpy array's buffer,
            // which `_keep` holds alive for as long as `self` lives.
            unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
        }
    }
}

/// What each kind of argument may be.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Accept {
    /// bytes-like only (`b64encode`, like `binascii.b2a_base64`).
    Bytes,
    /// bytes-like or an ASCII `str` (`b64decode`); a non-ASCII `str` is a
    /// ValueError, as in Python.
    AsciiStr,
    /// bytes-like or any `str`, as UTF-8 (data: URIs).
    AnyStr,
}

fn byte_input<'py>(obj: &Bound<'py, PyAny>, accept: Accept) -> PyResult<ByteInput<'py>> {
    let borrowed = |ptr: *const u8, len: usize| ByteInput {
        _keep: Some(obj.clone()),
        owned: Vec::new(),
        ptr,
        len,
    };
    if let Ok(b) = obj.cast::<PyBytes>() {
        let s = b.as_bytes();
        return Ok(borrowed(s.as_ptr(), s.len()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        if accept == Accept::Bytes {
            return Err(PyTypeError::new_err(
                "a bytes-like object is required, not 'str'",
            ));
        }
        let mut size: pyo3::ffi::Py_ssize_t = 0;
        // SAFETY: `s` is a live `str`; the returned buffer belongs to it
        // (cached UTF-8, or its own ASCII data) and lives as long as it.
        let ptr = unsafe { PyUnicode_AsUTF8AndSize(s.as_ptr(), &mut size) };
        if ptr.is_null() {
            return Err(PyErr::fetch(obj.py()));
        }
        let input = borrowed(ptr.cast(), size as usize);
        if accept == Accept::AsciiStr && !input.as_slice().is_ascii() {
            return Err(PyValueError::new_err(
                "string argument should contain only ASCII characters",
            ));
        }
        return Ok(input);
    }
    if let Ok(a) = obj.cast::<PyByteArray>() {
        // Copied: a bytearray can be resized while the GIL is released.
        return Ok(ByteInput {
            _keep: None,
            owned: a.to_vec(),
            ptr: std::ptr::null(),
            len: 0,
        });
    }
    if let Ok(a) = obj.cast::<PyUntypedArray>() {
        if a.is_c_contiguous() {
            let len = a.len() * a.dtype().itemsize();
            // SAFETY: `a` is a live ndarray; its data pointer is valid for
            // `len` bytes when C-contiguous.
            let ptr = unsafe { (*a.as_array_ptr()).fields.data } as *const u8;
            return Ok(borrowed(ptr, len));
        }
    }
    // Any other buffer (memoryview, array.array, mmap, a strided array):
    // a copy of its bytes, in C order, as Python's `bytes(memoryview(x))`.
    let py = obj.py();
    let view = py
        .import("builtins")?
        .getattr("memoryview")?
        .call1((obj,))
        .map_err(|_| {
            PyTypeError::new_err(format!(
                "a bytes-like object is required, not '{}'",
                obj.get_type()
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_default()
            ))
        })?;
    let b = view.call_method0("tobytes")?;
    let b = b.cast::<PyBytes>()?;
    Ok(ByteInput {
        _keep: None,
        owned: b.as_bytes().to_vec(),
        ptr: std::ptr::null(),
        len: 0,
    })
}

/// A new `bytes` of `len` bytes that `fill` writes (all of them), without
/// zeroing it first.
fn new_bytes<'py, E>(
    py: Python<'py>,
    len: usize,
    fill: impl FnOnce(&mut [u8]) -> Result<(), E>,
) -> PyResult<Result<Bound<'py, PyBytes>, E>> {
    let len_ssize = pyo3::ffi::Py_ssize_t::try_from(len)
        .map_err(|_| PyValueError::new_err("output too large"))?;
    // SAFETY: PyBytes_FromStringAndSize(NULL, n) returns a new, unshared
    // bytes object with room for n bytes (or NULL with an exception set);
    // PyBytes_AsString gives its buffer. The slice is the only reference to
    // it until `fill` returns; a bytes object that `fill` rejects is
    // dropped unseen.
    unsafe {
        let obj = pyo3::ffi::PyBytes_FromStringAndSize(std::ptr::null(), len_ssize);
        if obj.is_null() {
            return Err(PyErr::fetch(py));
        }
        let bytes: Bound<'py, PyBytes> = Bound::from_owned_ptr(py, obj).cast_into_unchecked();
        let buf = pyo3::ffi::PyBytes_AsString(obj).cast::<u8>();
        let slice = std::slice::from_raw_parts_mut(buf, len);
        Ok(fill(slice).map(|()| bytes))
    }
}

/// Runs `f` with the GIL released when `work` is large enough to pay for it.
fn maybe_detach<T: Send>(py: Python<'_>, work: usize, f: impl FnOnce() -> T + Send) -> T {
    if work >= DETACH_MIN {
        py.detach(f)
    } else {
        f()
    }
}

// ---------------------------------------------------------------------------
// base64 with Python's rules.

/// `bytes.maketrans(from, to)`: the table of `bytes.translate`.
fn translation(from: &[u8; 2], to: &[u8; 2]) -> [u8; 256] {
    let mut t = [0u8; 256];
    for (i, v) in t.iter_mut().enumerate() {
        *v = i as u8;
    }
    t[usize::from(from[0])] = to[0];
    t[usize::from(from[1])] = to[1];
    t
}

fn altchars_of(altchars: Option<&Bound<'_, PyAny>>, accept: Accept) -> PyResult<Option<[u8; 2]>> {
    let Some(a) = altchars else { return Ok(None) };
    if a.is_none() {
        return Ok(None);
    }
    let input = byte_input(a, accept)?;
    let s = input.as_slice();
    match <[u8; 2]>::try_from(s) {
        Ok(pair) => Ok(Some(pair)),
        // Python: `assert len(altchars) == 2, repr(altchars)`.
        Err(_) => Err(PyAssertionError::new_err(a.repr()?.to_string())),
    }
}

/// `base64.b64encode(s, altchars=None)`: the same bytes.
#[pyfunction]
#[pyo3(signature = (s, altchars=None))]
fn b64encode<'py>(
    py: Python<'py>,
    s: &Bound<'py, PyAny>,
    altchars: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let input = byte_input(s, Accept::Bytes)?;
    let alt = altchars_of(altchars, Accept::Bytes)?;
    let data = input.as_slice();
    let len = STANDARD
        .encoded_len(data.len())
        .ok_or_else(|| PyValueError::new_err("input too large"))?;
    let out = new_bytes(py, len, |out| {
        maybe_detach(py, data.len(), || {
            let n = STANDARD.encode_to_slice(data, out);
            debug_assert_eq!(n, Ok(len));
            if let Some(alt) = alt {
                let t = translation(b"+/", &alt);
                for b in out.iter_mut() {
                    *b = t[usize::from(*b)];
                }
            }
            n.map(|_| ())
        })
    })?;
    out.map_err(|e| PyValueError::new_err(e.to_string()))
}

/// What `binascii.a2b_base64` raises, message for message (CPython 3.11's
/// rules; later versions added "Excess padding not allowed" in strict
/// mode).
fn cpython_message(e: &PythonError) -> String {
    match e {
        PythonError::LeadingPadding => "Leading padding not allowed".into(),
        PythonError::InvalidByte { .. } => "Only base64 data is allowed".into(),
        PythonError::ExcessData { .. } => "Excess data after padding".into(),
        PythonError::DiscontinuousPadding { .. } => "Discontinuous padding not allowed".into(),
        PythonError::InvalidLength { symbols, .. } => format!(
            "Invalid base64-encoded string: number of data characters ({symbols}) \
             cannot be 1 more than a multiple of 4"
        ),
        PythonError::IncorrectPadding { .. } => "Incorrect padding".into(),
        // Not Python's (the outputs here are always large enough), nor any
        // variant a later pixb64 adds: pixb64's own words.
        e => e.to_string(),
    }
}

/// The length canonical padded base64 `input` decodes to, if its length
/// and trailing `=` make it a candidate. Never less than what Python
/// decodes `input` to: at most 3 bytes per 4 symbols, and the trailing `=`
/// are not symbols.
fn canonical_len(input: &[u8]) -> Option<usize> {
    if !input.len().is_multiple_of(4) {
        return None;
    }
    let pads = input
        .iter()
        .rev()
        .take(3)
        .take_while(|&&b| b == b'=')
        .count();
    (pads <= 2).then(|| input.len() / 4 * 3 - pads)
}

/// `base64.b64decode(s, altchars=None, validate=False)`: the same bytes,
/// and `binascii.Error` with the same message where it fails.
#[pyfunction]
#[pyo3(signature = (s, altchars=None, validate=false))]
fn b64decode<'py>(
    py: Python<'py>,
    s: &Bound<'py, PyAny>,
    altchars: Option<&Bound<'py, PyAny>>,
    validate: bool,
) -> PyResult<Bound<'py, PyBytes>> {
    let input = byte_input(s, Accept::AsciiStr)?;
    let mut rules = PYTHON.with_validate(validate);
    if let Some(alt) = altchars_of(altchars, Accept::AsciiStr)? {
        rules = rules.with_altchars(alt);
    }
    let data = input.as_slice();
    let decode = |out: &mut [u8]| maybe_detach(py, data.len(), || rules.decode_to_slice(data, out));
    // The common case, canonical text: straight into a result of its
    // length. Other text of such a length (whitespace, junk) decodes there
    // too, and is copied out where it came out shorter.
    if let Some(len) = canonical_len(data) {
        let exact = new_bytes(py, len, |out| match decode(out) {
            Ok(n) if n == len => Ok(()),
            Ok(n) => Err(Ok(PyBytes::new(py, &out[..n]))),
            Err(e) => Err(Err(e)),
        })?;
        return match exact {
            Ok(bytes) | Err(Ok(bytes)) => Ok(bytes),
            Err(Err(e)) => Err(binascii::Error::new_err(cpython_message(&e))),
        };
    }
    let mut out = vec![0u8; rules.decoded_len_max(data.len())];
    match decode(&mut out) {
        Ok(n) => Ok(PyBytes::new(py, &out[..n])),
        Err(e) => Err(binascii::Error::new_err(cpython_message(&e))),
    }
}

// ---------------------------------------------------------------------------
// Images in.

/// A numpy image argument, borrowed.
enum Held<'py> {
    U8(PyReadonlyArrayDyn<'py, u8>),
    U16(PyReadonlyArrayDyn<'py, u16>),
}

/// The pixels of a [`Held`] array, for use without the GIL.
enum Pixels<'a> {
    U8(ArrayViewD<'a, u8>),
    U16(ArrayViewD<'a, u16>),
}

struct ImageArg<'py> {
    held: Held<'py>,
    width: u32,
    height: u32,
    channels: u8,
}

impl<'py> ImageArg<'py> {
    fn extract(img: &Bound<'py, PyAny>) -> PyResult<Self> {
        let py = img.py();
        let arr = img.cast::<PyUntypedArray>().map_err(|_| {
            PyTypeError::new_err(format!(
                "img must be a numpy.ndarray, not {}",
                img.get_type()
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_default()
            ))
        })?;
        let shape = arr.shape();
        let (h, w, c) = match *shape {
            [h, w] => (h, w, 1),
            [h, w, c] if (1..=4).contains(&c) => (h, w, c),
            _ => {
                return Err(ImageError::new_err(format!(
                    "img must have shape (H, W) or (H, W, C) with C in 1..4, got {shape:?}"
                )))
            }
        };
        if h == 0 || w == 0 {
            return Err(ImageError::new_err(format!(
                "img is empty (shape {shape:?})"
            )));
        }
        let (Ok(height), Ok(width)) = (u32::try_from(h), u32::try_from(w)) else {
            return Err(ImageError::new_err(format!(
                "img is too large (shape {shape:?})"
            )));
        };
        let dt = arr.dtype();
        let held = if dt.is_equiv_to(&dtype::<u8>(py)) {
            Held::U8(arr.cast::<PyArrayDyn<u8>>()?.try_readonly()?)
        } else if dt.is_equiv_to(&dtype::<u16>(py)) {
            Held::U16(arr.cast::<PyArrayDyn<u16>>()?.try_readonly()?)
        } else {
            return Err(ImageError::new_err(format!(
                "img dtype must be uint8 or uint16, got {}",
                dt.str()?
            )));
        };
        Ok(ImageArg {
            held,
            width,
            height,
            channels: c as u8,
        })
    }

    fn pixels(&self) -> Pixels<'_> {
        match &self.held {
            Held::U8(a) => Pixels::U8(a.as_array()),
            Held::U16(a) => Pixels::U16(a.as_array()),
        }
    }

    fn depth(&self) -> Depth {
        match self.held {
            Held::U8(_) => Depth::Eight,
            Held::U16(_) => Depth::Sixteen,
        }
    }

    fn raw_len(&self) -> usize {
        self.width as usize
            * self.height as usize
            * usize::from(self.channels)
            * self.depth().bytes()
    }
}

/// The pixels as PNG's layout wants them: rows packed, 16-bit samples
/// big-endian. Borrowed from a C-contiguous uint8 array; copied otherwise.
fn png_layout<'a>(px: &Pixels<'a>) -> Cow<'a, [u8]> {
    match px {
        Pixels::U8(v) => match v.to_slice() {
            Some(s) => Cow::Borrowed(s),
            None => {
                let mut out = ArrayD::<u8>::zeros(v.raw_dim());
                out.assign(v);
                Cow::Owned(out.into_raw_vec_and_offset().0)
            }
        },
        Pixels::U16(v) => {
            let mut out = Vec::with_capacity(v.len() * 2);
            match v.to_slice() {
                Some(s) => out.extend(s.iter().flat_map(|x| x.to_be_bytes())),
                None => out.extend(v.iter().flat_map(|x| x.to_be_bytes())),
            }
            Cow::Owned(out)
        }
    }
}

fn encode_options(level: i64, bgr: bool, threads: usize) -> PyResult<EncodeOptions> {
    let level = u8::try_from(level)
        .ok()
        .filter(|&l| l <= 9)
        .ok_or_else(|| PyValueError::new_err(format!("level must be 0..9, got {level}")))?;
    Ok(EncodeOptions::new()
        .with_level(level)
        .with_channel_order(if bgr {
            ChannelOrder::Bgr
        } else {
            ChannelOrder::Rgb
        })
        .with_threads(threads.max(1)))
}

/// Runs `f` on the image, as pixb64's `Image`, with the GIL released.
fn with_image<T: Send>(
    py: Python<'_>,
    arg: &ImageArg<'_>,
    f: impl FnOnce(&Image<'_>) -> T + Send,
) -> PyResult<T> {
    let px = arg.pixels();
    let (w, h, c, depth) = (arg.width, arg.height, arg.channels, arg.depth());
    py.detach(|| {
        let bytes = png_layout(&px);
        let img = Image::new_with_depth(w, h, c, depth, &bytes)?;
        Ok(f(&img))
    })
    .map_err(|e: pixb64::ImageError| ImageError::new_err(e.to_string()))
}

/// `img` (uint8 or uint16, (H, W) or (H, W, C), C in 1..4) as a PNG file.
#[pyfunction]
#[pyo3(signature = (img, level=1, bgr=false, threads=1))]
fn encode_png<'py>(
    py: Python<'py>,
    img: &Bound<'py, PyAny>,
    level: i64,
    bgr: bool,
    threads: usize,
) -> PyResult<Bound<'py, PyBytes>> {
    let opts = encode_options(level, bgr, threads)?;
    let arg = ImageArg::extract(img)?;
    let file = with_image(py, &arg, |img| png::encode(img, &opts))?;
    Ok(PyBytes::new(py, &file))
}

/// `img` as base64 text of a PNG file, or as a `data:image/png;base64,` URI.
#[pyfunction]
#[pyo3(signature = (img, level=1, bgr=false, data_uri=false))]
fn encode_png_base64<'py>(
    py: Python<'py>,
    img: &Bound<'py, PyAny>,
    level: i64,
    bgr: bool,
    data_uri: bool,
) -> PyResult<Bound<'py, PyString>> {
    let opts = encode_options(level, bgr, 1)?;
    let arg = ImageArg::extract(img)?;
    let text = with_image(py, &arg, |img| {
        if data_uri {
            data_uri::encode_png(img, &opts)
        } else {
            png::encode_base64(img, &opts, &STANDARD)
        }
    })?;
    Ok(PyString::new(py, &text))
}

/// Exact byte counts of `img` as raw pixels, PNG, base64 and a data: URI.
#[pyfunction]
#[pyo3(signature = (img, level=1, bgr=false))]
fn sizes<'py>(
    py: Python<'py>,
    img: &Bound<'py, PyAny>,
    level: i64,
    bgr: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let opts = encode_options(level, bgr, 1)?;
    let arg = ImageArg::extract(img)?;
    let png_len = with_image(py, &arg, |img| png::encode(img, &opts).len())?;
    let s = Sizes::new(arg.raw_len(), png_len)
        .ok_or_else(|| PyValueError::new_err("size overflows"))?;
    let d = PyDict::new(py);
    d.set_item("raw", s.raw)?;
    d.set_item("png", s.png)?;
    d.set_item("base64", s.base64)?;
    d.set_item("data_uri", s.data_uri)?;
    Ok(d)
}

/// `cv2.imencode('.png', img, params)`: `(True, uint8 array)`; BGR(A) in.
#[pyfunction]
#[pyo3(signature = (ext, img, params=None))]
fn imencode<'py>(
    py: Python<'py>,
    ext: &str,
    img: &Bound<'py, PyAny>,
    params: Option<Vec<i64>>,
) -> PyResult<Bound<'py, PyTuple>> {
    if !ext.eq_ignore_ascii_case(".png") {
        return Err(PyValueError::new_err(format!(
            "pixb64.imencode writes PNG only ('.png'), not {ext:?}"
        )));
    }
    // OpenCV's default for PNG is level 1.
    let mut level = 1i64;
    let params = params.unwrap_or_default();
    if !params.len().is_multiple_of(2) {
        return Err(PyValueError::new_err(format!(
            "encoding params must be key-value pairs, got {} values",
            params.len()
        )));
    }
    for kv in params.chunks(2) {
        // IMWRITE_PNG_COMPRESSION, clamped to 0..9 as OpenCV does; every
        // other key (strategy, filter, bilevel...) is ignored, as OpenCV
        // ignores keys its PNG encoder does not know.
        if kv[0] == 16 {
            level = kv[1].clamp(0, 9);
        }
    }
    let opts = encode_options(level, true, 1)?;
    let arg = ImageArg::extract(img)?;
    let file = with_image(py, &arg, |img| png::encode(img, &opts))?;
    let arr = PyArray1::from_vec(py, file);
    PyTuple::new(
        py,
        [
            true.into_pyobject(py)?.to_owned().into_any(),
            arr.into_any(),
        ],
    )
}

// ---------------------------------------------------------------------------
// Images out.

enum Samples {
    U8(Vec<u8>),
    U16(Vec<u16>),
}

struct Decoded {
    width: usize,
    height: usize,
    channels: usize,
    samples: Samples,
}

impl Decoded {
    /// Runs without the GIL: 16-bit samples to native order.
    fn from_image(img: ImageBuf) -> Decoded {
        let (width, height, channels) = (
            img.width() as usize,
            img.height() as usize,
            usize::from(img.channels()),
        );
        let samples = match img.depth() {
            Depth::Eight => Samples::U8(img.into_vec()),
            Depth::Sixteen => Samples::U16(
                img.data()
                    .chunks_exact(2)
                    .map(|p| u16::from_be_bytes([p[0], p[1]]))
                    .collect(),
            ),
        };
        Decoded {
            width,
            height,
            channels,
            samples,
        }
    }

    /// A (H, W) array for one channel, (H, W, C) otherwise, as OpenCV.
    fn into_array(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        let (h, w, c) = (self.height, self.width, self.channels);
        match self.samples {
            Samples::U8(v) => reshape(PyArray1::from_vec(py, v), h, w, c),
            Samples::U16(v) => reshape(PyArray1::from_vec(py, v), h, w, c),
        }
    }
}

fn reshape<'py, T: numpy::Element>(
    a: Bound<'py, PyArray1<T>>,
    h: usize,
    w: usize,
    c: usize,
) -> PyResult<Bound<'py, PyAny>> {
    Ok(if c == 1 {
        a.reshape([h, w])?.into_any()
    } else {
        a.reshape([h, w, c])?.into_any()
    })
}

fn decode_error(e: &pixb64::Error) -> PyErr {
    DecodeError::new_err(e.to_string())
}

fn mode_options(mode: &str, bgr: bool) -> PyResult<DecodeOptions> {
    let channels = match mode {
        "unchanged" => Channels::AsStored,
        "color" => Channels::Rgb,
        "grayscale" => Channels::Gray,
        _ => {
            return Err(PyValueError::new_err(format!(
                "mode must be \"unchanged\", \"color\" or \"grayscale\", got {mode:?}"
            )))
        }
    };
    Ok(DecodeOptions::new()
        .with_channels(channels)
        .with_channel_order(if bgr {
            ChannelOrder::Bgr
        } else {
            ChannelOrder::Rgb
        }))
}

/// A PNG or JPEG file (bytes-like) to an array.
#[pyfunction]
#[pyo3(signature = (data, mode="unchanged", bgr=false))]
fn decode_image<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    mode: &str,
    bgr: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let opts = mode_options(mode, bgr)?;
    let input = byte_input(data, Accept::Bytes)?;
    let bytes = input.as_slice();
    let out = py.detach(|| pixb64::decode_image(bytes, &opts).map(Decoded::from_image));
    out.map_err(|e| decode_error(&e))?.into_array(py)
}

/// Base64 text (read as `base64.b64decode` reads it) or a `data:` URI of
/// a PNG or JPEG file to an array.
#[pyfunction]
#[pyo3(signature = (text, mode="unchanged", bgr=false))]
fn decode_image_base64<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyAny>,
    mode: &str,
    bgr: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let opts = mode_options(mode, bgr)?;
    let input = byte_input(text, Accept::AnyStr)?;
    let bytes = input.as_slice();
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let is_uri = bytes.len() - start >= 5 && bytes[start..start + 5].eq_ignore_ascii_case(b"data:");
    let out = py.detach(|| -> Result<Decoded, PyDecodeFailure> {
        let img = if is_uri {
            let uri = std::str::from_utf8(bytes).map_err(|e| {
                PyDecodeFailure::Other(format!("invalid data: URL: not UTF-8 ({e})"))
            })?;
            data_uri::decode_image_with(uri, &opts)?
        } else {
            let file = PYTHON.decode(bytes).map_err(PyDecodeFailure::Base64)?;
            pixb64::decode_image(&file, &opts)?
        };
        Ok(Decoded::from_image(img))
    });
    match out {
        Ok(d) => d.into_array(py),
        Err(PyDecodeFailure::Base64(e)) => Err(DecodeError::new_err(format!(
            "invalid base64: {}",
            cpython_message(&e)
        ))),
        Err(PyDecodeFailure::Lib(e)) => Err(decode_error(&e)),
        Err(PyDecodeFailure::Other(m)) => Err(DecodeError::new_err(m)),
    }
}

enum PyDecodeFailure {
    Base64(PythonError),
    Lib(pixb64::Error),
    Other(String),
}

impl From<pixb64::Error> for PyDecodeFailure {
    fn from(e: pixb64::Error) -> Self {
        PyDecodeFailure::Lib(e)
    }
}

// cv2.IMREAD_* flags.
const IMREAD_UNCHANGED: i64 = -1;
const IMREAD_COLOR: i64 = 1;
const IMREAD_ANYDEPTH: i64 = 2;
const IMREAD_IGNORE_ORIENTATION: i64 = 128;
const IMREAD_COLOR_RGB: i64 = 256;

/// The options that give what `cv2.imdecode(buf, flags)` gives, for the
/// flags pixb64 reproduces.
fn imread_options(flags: i64) -> PyResult<DecodeOptions> {
    if flags == IMREAD_UNCHANGED {
        return Ok(DecodeOptions::imread_unchanged());
    }
    let known = IMREAD_COLOR | IMREAD_ANYDEPTH | IMREAD_IGNORE_ORIENTATION | IMREAD_COLOR_RGB;
    if flags < 0 || flags & !known != 0 {
        return Err(PyValueError::new_err(format!(
            "unsupported imdecode flags {flags}: pixb64 reads IMREAD_UNCHANGED (-1), \
             IMREAD_GRAYSCALE (0), IMREAD_COLOR (1), IMREAD_COLOR_RGB (256), with \
             IMREAD_ANYDEPTH (2) and IMREAD_IGNORE_ORIENTATION (128)"
        )));
    }
    if flags & IMREAD_COLOR != 0 && flags & IMREAD_COLOR_RGB != 0 {
        // OpenCV refuses the pair too (cv::error).
        return Err(PyValueError::new_err(
            "IMREAD_COLOR_BGR (IMREAD_COLOR) and IMREAD_COLOR_RGB can not be set at the same time",
        ));
    }
    let color = flags & (IMREAD_COLOR | IMREAD_COLOR_RGB) != 0;
    let mut opts = if color {
        DecodeOptions::imread_color()
    } else {
        DecodeOptions::imread_grayscale()
    };
    if flags & IMREAD_ANYDEPTH != 0 {
        opts = opts.with_strip_16(false);
    }
    if flags & IMREAD_IGNORE_ORIENTATION != 0 {
        opts = opts.with_exif_orientation(false);
    }
    if flags & IMREAD_COLOR_RGB != 0 {
        opts = opts.with_channel_order(ChannelOrder::Rgb);
    }
    Ok(opts)
}

/// `cv2.imdecode(buf, flags)` for PNG and JPEG: the same array (BGR), or
/// None where the bytes do not decode.
#[pyfunction]
fn imdecode<'py>(
    py: Python<'py>,
    buf: &Bound<'py, PyAny>,
    flags: i64,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    let opts = imread_options(flags)?;
    let input = byte_input(buf, Accept::Bytes)?;
    let bytes = input.as_slice();
    if bytes.is_empty() {
        return Err(DecodeError::new_err("imdecode: empty buffer"));
    }
    match py.detach(|| pixb64::decode_image(bytes, &opts).map(Decoded::from_image)) {
        Ok(d) => Ok(Some(d.into_array(py)?)),
        Err(_) => Ok(None),
    }
}

#[pymodule]
#[pyo3(name = "pixb64")]
fn pixb64_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("Error", py.get_type::<Error>())?;
    m.add("DecodeError", py.get_type::<DecodeError>())?;
    m.add("ImageError", py.get_type::<ImageError>())?;
    m.add_function(wrap_pyfunction!(b64encode, m)?)?;
    m.add_function(wrap_pyfunction!(b64decode, m)?)?;
    m.add_function(wrap_pyfunction!(encode_png, m)?)?;
    m.add_function(wrap_pyfunction!(encode_png_base64, m)?)?;
    m.add_function(wrap_pyfunction!(decode_image, m)?)?;
    m.add_function(wrap_pyfunction!(decode_image_base64, m)?)?;
    m.add_function(wrap_pyfunction!(sizes, m)?)?;
    m.add_function(wrap_pyfunction!(imencode, m)?)?;
    m.add_function(wrap_pyfunction!(imdecode, m)?)?;
    m.add_function(wrap_pyfunction!(timing::_rust_per_call, m)?)?;
    Ok(())
}
