//! Conversions between Python values and the graph's: directions and edge-type filters, node
//! and edge data (bytes, or any JSON-serialisable object stored as JSON), and arrays (numpy
//! arrays in and out, moved as one buffer rather than element by element).

use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyString};

use crate::errors::InvalidError;

/// `"out"`, `"in"` or `"both"` as a direction.
pub(crate) fn direction(name: &str) -> PyResult<graph::Direction> {
    match name {
        "out" => Ok(graph::Direction::Out),
        "in" => Ok(graph::Direction::In),
        "both" => Ok(graph::Direction::Both),
        other => Err(InvalidError::new_err(format!(
            "direction must be \"out\", \"in\" or \"both\", not {other:?}"
        ))),
    }
}

/// `"cosine"`, `"l2"` or `"ip"` as a vector metric.
pub(crate) fn metric(name: &str) -> PyResult<graph::Metric> {
    match name {
        "cosine" => Ok(graph::Metric::Cosine),
        "l2" => Ok(graph::Metric::L2),
        "ip" => Ok(graph::Metric::InnerProduct),
        other => Err(InvalidError::new_err(format!(
            "metric must be \"cosine\", \"l2\" or \"ip\", not {other:?}"
        ))),
    }
}

/// The name [`metric`] reads for `metric` (a metric added later: its Rust name).
pub(crate) fn metric_name(metric: graph::Metric) -> String {
    match metric {
        graph::Metric::Cosine => "cosine".to_owned(),
        graph::Metric::L2 => "l2".to_owned(),
        graph::Metric::InnerProduct => "ip".to_owned(),
        other => format!("{other:?}"),
    }
}

/// Edge types given as `None` (every type), one name, or a sequence of names.
pub(crate) fn edge_types(types: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Vec<String>>> {
    match types {
        None => Ok(None),
        Some(t) if t.is_none() => Ok(None),
        Some(t) => match t.cast::<PyString>() {
            Ok(name) => Ok(Some(vec![name.extract::<String>()?])),
            Err(_) => Ok(Some(t.extract::<Vec<String>>()?)),
        },
    }
}

/// What a traversal follows: a direction and, optionally, edge types.
pub(crate) fn follow(direction_name: &str, types: Option<Vec<String>>) -> PyResult<graph::Follow> {
    let follow = graph::Follow::new(direction(direction_name)?);
    Ok(match types {
        Some(types) => follow.edge_types(types),
        None => follow,
    })
}

/// Node or edge data: `None` is empty, `bytes`/`bytearray` are stored as they are, anything
/// else is stored as its compact JSON text (`json.dumps`).
pub(crate) fn data_bytes(py: Python<'_>, data: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<u8>> {
    let Some(data) = data else {
        return Ok(Vec::new());
    };
    if data.is_none() {
        return Ok(Vec::new());
    }
    if let Ok(bytes) = data.cast::<PyBytes>() {
        return Ok(bytes.as_bytes().to_vec());
    }
    if let Ok(bytes) = data.cast::<PyByteArray>() {
        return Ok(bytes.to_vec());
    }
    let kwargs = pyo3::types::PyDict::new(py);
    kwargs.set_item("separators", (",", ":"))?;
    let text = py
        .import("json")?
        .call_method("dumps", (data,), Some(&kwargs))?;
    Ok(text.extract::<String>()?.into_bytes())
}

/// Bytes given as `bytes` or as a `str` (its UTF-8), for key-value keys and values.
pub(crate) fn key_bytes(value: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(text.extract::<String>()?.into_bytes());
    }
    value.extract::<Vec<u8>>()
}

/// The bytes of `values` as a contiguous numpy array of `dtype` (a list, a tuple or any array
/// numpy converts), in one conversion.
fn numpy_bytes(py: Python<'_>, values: &Bound<'_, PyAny>, dtype: &str) -> PyResult<Vec<u8>> {
    let array = py
        .import("numpy")?
        .call_method1("ascontiguousarray", (values, dtype))?;
    if array.getattr("ndim")?.extract::<usize>()? > 1 {
        return Err(InvalidError::new_err("expected a one-dimensional array"));
    }
    array.call_method0("tobytes")?.extract::<Vec<u8>>()
}

/// `values` as unsigned 64-bit integers (node ids).
pub(crate) fn u64s(py: Python<'_>, values: &Bound<'_, PyAny>) -> PyResult<Vec<u64>> {
    let bytes = numpy_bytes(py, values, "<u8")?;
    Ok(bytes
        .chunks_exact(8)
        .filter_map(|c| c.try_into().ok().map(u64::from_le_bytes))
        .collect())
}

/// `values` as 32-bit floats (a vector).
pub(crate) fn f32s(py: Python<'_>, values: &Bound<'_, PyAny>) -> PyResult<Vec<f32>> {
    let bytes = numpy_bytes(py, values, "<f4")?;
    Ok(bytes
        .chunks_exact(4)
        .filter_map(|c| c.try_into().ok().map(f32::from_le_bytes))
        .collect())
}

/// A numpy array of `dtype` over little-endian `bytes` (one copy into a writable buffer).
fn numpy_array<'py>(py: Python<'py>, bytes: &[u8], dtype: &str) -> PyResult<Bound<'py, PyAny>> {
    let buffer = PyByteArray::new(py, bytes);
    py.import("numpy")?
        .call_method1("frombuffer", (buffer, dtype))
}

/// Values that numpy holds as fixed-width little-endian numbers.
pub(crate) trait NumpyValue: Copy {
    /// numpy's name of the type.
    const DTYPE: &'static str;
    /// The value's little-endian bytes, appended to `out`.
    fn put(self, out: &mut Vec<u8>);
}

impl NumpyValue for u64 {
    const DTYPE: &'static str = "<u8";
    fn put(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
}

impl NumpyValue for i64 {
    const DTYPE: &'static str = "<i8";
    fn put(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
}

impl NumpyValue for u32 {
    const DTYPE: &'static str = "<u4";
    fn put(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
}

impl NumpyValue for f64 {
    const DTYPE: &'static str = "<f8";
    fn put(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
}

impl NumpyValue for f32 {
    const DTYPE: &'static str = "<f4";
    fn put(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
}

/// The little-endian bytes of `values`, ready for [`to_numpy`] (built without the GIL).
pub(crate) fn le_bytes<T: NumpyValue>(values: &[T]) -> Vec<u8> {
    let mut out = Vec::with_capacity(std::mem::size_of_val(values));
    for v in values {
        v.put(&mut out);
    }
    out
}

/// `bytes` (from [`le_bytes`] of `T`s) as a numpy array of `T`.
pub(crate) fn to_numpy<'py, T: NumpyValue>(
    py: Python<'py>,
    bytes: &[u8],
) -> PyResult<Bound<'py, PyAny>> {
    numpy_array(py, bytes, T::DTYPE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_names_are_out_in_and_both_only() {
        assert_eq!(direction("in").ok(), Some(graph::Direction::In));
        assert!(direction("sideways").is_err());
    }

    #[test]
    fn little_endian_bytes_hold_each_value_in_order() {
        assert_eq!(le_bytes(&[1u32, 256]), vec![1, 0, 0, 0, 0, 1, 0, 0]);
        assert_eq!(le_bytes(&[-1i64]), vec![0xff; 8]);
    }
}
