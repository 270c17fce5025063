//! Cypher from Python: `r.query(text, params)` on a snapshot and `tx.query(text, params)` in a
//! write transaction. Parameters go in and rows come out through JSON (`cypher::json`), so a
//! node in a row is a dict of its id, labels and properties, as the command line prints it.

use pyo3::prelude::*;

use crate::errors::{InvalidError, from_cypher};

/// The query's parameters: `None`, or a dict of JSON-serialisable values.
pub(crate) fn params(
    py: Python<'_>,
    params: Option<&Bound<'_, PyAny>>,
) -> PyResult<cypher::Params> {
    let mut out = cypher::Params::new();
    let Some(params) = params.filter(|p| !p.is_none()) else {
        return Ok(out);
    };
    match serde_json::from_slice(&crate::convert::data_bytes(py, Some(params))?) {
        Ok(serde_json::Value::Object(map)) => {
            for (name, value) in map {
                out.insert(name, cypher::json::from_json(value));
            }
            Ok(out)
        }
        _ => Err(InvalidError::new_err("query parameters must be a dict")),
    }
}

/// Runs `text` on `txn` (read-only: a query that writes is refused) as JSON text of its rows.
pub(crate) fn read_rows<T: graph::GraphRead>(
    txn: &T,
    text: &str,
    params: &cypher::Params,
) -> PyResult<String> {
    let rows = cypher::PreparedQuery::new(text)
        .and_then(|q| q.run(txn, params))
        .map_err(from_cypher)?;
    rows_text(txn, &rows)
}

/// Runs `text` in `txn`, writes included, as JSON text of its rows.
pub(crate) fn write_rows(
    txn: &mut graph::WriteTxn,
    text: &str,
    params: &cypher::Params,
) -> PyResult<String> {
    let rows = cypher::PreparedQuery::new(text)
        .and_then(|q| q.run_write(txn, params))
        .map_err(from_cypher)?;
    rows_text(txn, &rows)
}

fn rows_text<T: graph::GraphRead>(txn: &T, rows: &cypher::Rows) -> PyResult<String> {
    let objects = cypher::json::rows_to_json(txn, rows).map_err(from_cypher)?;
    serde_json::to_string(&objects).map_err(|e| InvalidError::new_err(e.to_string()))
}
