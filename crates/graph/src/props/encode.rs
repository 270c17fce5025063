//! Writing property maps and values in the binary property encoding (`docs/format.md`,
//! "Properties"). The reader is `view.rs`; both follow the same layout constants here.

use crate::error::{Error, Result};

use super::value::{PropertyMap, Value};

/// The first byte of node or edge data that holds a binary property map. JSON text never
/// starts with it (JSON starts with whitespace, `{`, `[`, `"`, a digit, `-`, `t`, `f`, `n`, or
/// the UTF-8 byte-order mark `EF`), so data imported as JSON is told apart by its first byte.
pub const PROPERTIES_TAG: u8 = 0xF5;

pub(super) const T_NULL: u8 = 0;
pub(super) const T_FALSE: u8 = 1;
pub(super) const T_TRUE: u8 = 2;
pub(super) const T_INT: u8 = 3;
pub(super) const T_FLOAT: u8 = 4;
pub(super) const T_STRING: u8 = 5;
pub(super) const T_BYTES: u8 = 6;
pub(super) const T_LIST: u8 = 7;
pub(super) const T_MAP: u8 = 8;

/// Bytes of one offset or count.
pub(super) const WORD: usize = 4;

/// `map` as node or edge data: [`PROPERTIES_TAG`] then the map's body. Null values are
/// skipped at the top level (a property set to null does not exist).
pub fn encode_properties(map: &PropertyMap) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    encode_properties_into(&mut out, map)?;
    Ok(out)
}

/// [`encode_properties`] appended to `out` (a node's payload: its name, then its data), so a
/// batch of nodes builds each payload in one buffer.
pub(crate) fn encode_properties_into(out: &mut Vec<u8>, map: &PropertyMap) -> Result<()> {
    out.push(PROPERTIES_TAG);
    let stored = map.iter().filter(|(_, v)| !matches!(v, Value::Null));
    // The offsets count from the start of the map's data area, wherever `out` places it.
    map_body(out, stored)
}

/// A map body: the count, then per entry the end of its key and the end of its value
/// (offsets from the start of the data area), then the data area: key, value, key, value...
/// Keys are in byte order, so a reader finds one by binary search. `entries` is walked twice
/// (to count, then to write), so that nothing is collected first.
fn map_body<'m>(
    out: &mut Vec<u8>,
    entries: impl Iterator<Item = (&'m String, &'m Value)> + Clone,
) -> Result<()> {
    let len = entries.clone().count();
    word(out, len)?;
    let table = out.len();
    out.resize(table + len * 2 * WORD, 0);
    let data = out.len();
    for (i, (key, value)) in entries.enumerate() {
        out.extend_from_slice(key.as_bytes());
        let key_end = out.len() - data;
        value_bytes(out, value)?;
        let value_end = out.len() - data;
        put_word(out, table + i * 2 * WORD, key_end)?;
        put_word(out, table + i * 2 * WORD + WORD, value_end)?;
    }
    Ok(())
}

/// One value: its type byte, then its bytes (lengths come from the offsets around it).
fn value_bytes(out: &mut Vec<u8>, value: &Value) -> Result<()> {
    match value {
        Value::Null => out.push(T_NULL),
        Value::Bool(false) => out.push(T_FALSE),
        Value::Bool(true) => out.push(T_TRUE),
        Value::Int(i) => {
            out.push(T_INT);
            out.extend_from_slice(&i.to_le_bytes());
        }
        Value::Float(f) => {
            out.push(T_FLOAT);
            out.extend_from_slice(&f.to_le_bytes());
        }
        Value::String(s) => {
            out.push(T_STRING);
            out.extend_from_slice(s.as_bytes());
        }
        Value::Bytes(b) => {
            out.push(T_BYTES);
            out.extend_from_slice(b);
        }
        Value::List(items) => {
            out.push(T_LIST);
            word(out, items.len())?;
            let table = out.len();
            out.resize(table + items.len() * WORD, 0);
            let data = out.len();
            for (i, item) in items.iter().enumerate() {
                value_bytes(out, item)?;
                let end = out.len() - data;
                put_word(out, table + i * WORD, end)?;
            }
        }
        Value::Map(map) => {
            out.push(T_MAP);
            map_body(out, map.iter())?;
        }
    }
    Ok(())
}

fn to_word(n: usize) -> Result<[u8; WORD]> {
    u32::try_from(n)
        .map(u32::to_le_bytes)
        .map_err(|_| Error::NotProperties(format!("a property map of {n} bytes is over 4 GiB")))
}

fn word(out: &mut Vec<u8>, n: usize) -> Result<()> {
    out.extend_from_slice(&to_word(n)?);
    Ok(())
}

fn put_word(out: &mut [u8], at: usize, n: usize) -> Result<()> {
    let bytes = to_word(n)?;
    match out.get_mut(at..at + WORD) {
        Some(slot) => {
            slot.copy_from_slice(&bytes);
            Ok(())
        }
        None => Err(Error::NotProperties("offset table out of place".into())),
    }
}
