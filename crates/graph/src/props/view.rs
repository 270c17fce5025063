//! Reading the binary property encoding in place: one property is found by binary search over
//! the offsets table without decoding the others, and strings and bytes are borrowed from the
//! data. Every offset is checked; damaged bytes are an error, never a panic.

use std::cmp::Ordering;

use crate::error::{Error, Result};

use super::encode::{
    PROPERTIES_TAG, T_BYTES, T_FALSE, T_FLOAT, T_INT, T_LIST, T_MAP, T_NULL, T_STRING, T_TRUE, WORD,
};
use super::value::{PropertyMap, Value};

/// A value read in place from encoded properties.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ValueRef<'a> {
    /// No value.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string, borrowed.
    String(&'a str),
    /// Bytes, borrowed.
    Bytes(&'a [u8]),
    /// A list, read lazily.
    List(ListView<'a>),
    /// A map, read lazily.
    Map(MapView<'a>),
}

impl ValueRef<'_> {
    /// The value, owned (lists and maps decoded in full).
    pub fn to_value(&self) -> Result<Value> {
        Ok(match *self {
            ValueRef::Null => Value::Null,
            ValueRef::Bool(b) => Value::Bool(b),
            ValueRef::Int(i) => Value::Int(i),
            ValueRef::Float(f) => Value::Float(f),
            ValueRef::String(s) => Value::String(s.to_owned()),
            ValueRef::Bytes(b) => Value::Bytes(b.to_vec()),
            ValueRef::List(list) => Value::List(
                (0..list.len())
                    .map(|i| list.get(i).and_then(|v| v.to_value()))
                    .collect::<Result<_>>()?,
            ),
            ValueRef::Map(map) => Value::Map(map.to_map()?),
        })
    }
}

fn damaged(what: &str) -> Error {
    Error::NotProperties(format!("damaged property encoding: {what}"))
}

fn read_word(bytes: &[u8], at: usize) -> Result<usize> {
    let word: [u8; WORD] = bytes
        .get(at..at + WORD)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| damaged("an offset past the end"))?;
    Ok(u32::from_le_bytes(word) as usize)
}

/// A value from its bytes (type byte first).
fn value_at(bytes: &[u8]) -> Result<ValueRef<'_>> {
    let (&tag, rest) = bytes
        .split_first()
        .ok_or_else(|| damaged("an empty value"))?;
    let eight = || -> Result<[u8; 8]> {
        rest.try_into()
            .map_err(|_| damaged("a number that is not 8 bytes"))
    };
    Ok(match tag {
        T_NULL => ValueRef::Null,
        T_FALSE => ValueRef::Bool(false),
        T_TRUE => ValueRef::Bool(true),
        T_INT => ValueRef::Int(i64::from_le_bytes(eight()?)),
        T_FLOAT => ValueRef::Float(f64::from_le_bytes(eight()?)),
        T_STRING => ValueRef::String(
            std::str::from_utf8(rest).map_err(|_| damaged("a string that is not UTF-8"))?,
        ),
        T_BYTES => ValueRef::Bytes(rest),
        T_LIST => ValueRef::List(ListView::new(rest)?),
        T_MAP => ValueRef::Map(MapView::new(rest)?),
        _ => return Err(damaged("an unknown value type")),
    })
}

/// A list read in place.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ListView<'a> {
    len: usize,
    table: &'a [u8],
    data: &'a [u8],
}

impl<'a> ListView<'a> {
    fn new(bytes: &'a [u8]) -> Result<ListView<'a>> {
        let len = read_word(bytes, 0)?;
        let table_end = len
            .checked_mul(WORD)
            .and_then(|t| t.checked_add(WORD))
            .ok_or_else(|| damaged("a list count too large"))?;
        let table = bytes
            .get(WORD..table_end)
            .ok_or_else(|| damaged("a list table past the end"))?;
        let data = bytes.get(table_end..).unwrap_or_default();
        Ok(ListView { len, table, data })
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the list has no items.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Item `i` (an error past the end).
    pub fn get(&self, i: usize) -> Result<ValueRef<'a>> {
        let start = if i == 0 {
            0
        } else {
            read_word(self.table, (i - 1) * WORD)?
        };
        let end = read_word(self.table, i * WORD)?;
        value_at(
            self.data
                .get(start..end)
                .ok_or_else(|| damaged("a list item out of bounds"))?,
        )
    }
}

/// A map read in place: properties by key in `O(log n)` without decoding the others.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MapView<'a> {
    len: usize,
    table: &'a [u8],
    data: &'a [u8],
}

impl<'a> MapView<'a> {
    fn new(bytes: &'a [u8]) -> Result<MapView<'a>> {
        let len = read_word(bytes, 0)?;
        let table_end = len
            .checked_mul(2 * WORD)
            .and_then(|t| t.checked_add(WORD))
            .ok_or_else(|| damaged("a map count too large"))?;
        let table = bytes
            .get(WORD..table_end)
            .ok_or_else(|| damaged("a map table past the end"))?;
        let data = bytes.get(table_end..).unwrap_or_default();
        Ok(MapView { len, table, data })
    }

    /// An empty map.
    pub fn empty() -> MapView<'static> {
        MapView {
            len: 0,
            table: &[],
            data: &[],
        }
    }

    /// Reads encoded node or edge data that starts with [`PROPERTIES_TAG`]; `None` if it
    /// does not.
    pub fn parse(bytes: &'a [u8]) -> Result<Option<MapView<'a>>> {
        match bytes.split_first() {
            Some((&PROPERTIES_TAG, body)) => MapView::new(body).map(Some),
            _ => Ok(None),
        }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Entry `i` in key order: its key and value.
    pub fn entry(&self, i: usize) -> Result<(&'a str, ValueRef<'a>)> {
        let start = if i == 0 {
            0
        } else {
            read_word(self.table, (i - 1) * 2 * WORD + WORD)?
        };
        let key_end = read_word(self.table, i * 2 * WORD)?;
        let value_end = read_word(self.table, i * 2 * WORD + WORD)?;
        let key = self
            .data
            .get(start..key_end)
            .ok_or_else(|| damaged("a key out of bounds"))?;
        let key = std::str::from_utf8(key).map_err(|_| damaged("a key that is not UTF-8"))?;
        let value = self
            .data
            .get(key_end..value_end)
            .ok_or_else(|| damaged("a value out of bounds"))?;
        Ok((key, value_at(value)?))
    }

    fn key(&self, i: usize) -> Result<&'a [u8]> {
        let start = if i == 0 {
            0
        } else {
            read_word(self.table, (i - 1) * 2 * WORD + WORD)?
        };
        let end = read_word(self.table, i * 2 * WORD)?;
        self.data
            .get(start..end)
            .ok_or_else(|| damaged("a key out of bounds"))
    }

    /// The value of `key`, found by binary search.
    pub fn get(&self, key: &str) -> Result<Option<ValueRef<'a>>> {
        let (mut lo, mut hi) = (0, self.len);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.key(mid)?.cmp(key.as_bytes()) {
                Ordering::Less => lo = mid + 1,
                Ordering::Greater => hi = mid,
                Ordering::Equal => return self.entry(mid).map(|(_, v)| Some(v)),
            }
        }
        Ok(None)
    }

    /// The value of `key` in node or edge `data`, in one step that builds no error: `Some`
    /// with the value (or `None` when absent) when the data is the binary encoding and the
    /// value a scalar (null, boolean, integer, float, string); `None` otherwise (JSON data, a
    /// list, map or bytes value, damaged bytes), for the caller to take [`MapView::parse`] and
    /// [`MapView::get`], which say what is wrong. A scan over many records pays for the
    /// lookup and not for moving a `Result` through each layer.
    pub(crate) fn scalar(data: &'a [u8], key: &[u8]) -> Option<Option<ValueRef<'a>>> {
        let (&PROPERTIES_TAG, body) = data.split_first()? else {
            return None;
        };
        let word = |at: usize| -> Option<usize> {
            let bytes: [u8; WORD] = body.get(at..at.checked_add(WORD)?)?.try_into().ok()?;
            Some(u32::from_le_bytes(bytes) as usize)
        };
        let len = word(0)?;
        let data_start = len.checked_mul(2 * WORD)?.checked_add(WORD)?;
        let area = body.get(data_start..)?;
        // Entry i's key ends at table[2i], its value at table[2i + 1]; both from `area`'s start.
        let end = |i: usize, value: bool| word(WORD + (2 * i + usize::from(value)) * WORD);
        let start = |i: usize| if i == 0 { Some(0) } else { end(i - 1, true) };
        let (mut lo, mut hi) = (0, len);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let key_end = end(mid, false)?;
            match area.get(start(mid)?..key_end)?.cmp(key) {
                Ordering::Less => lo = mid + 1,
                Ordering::Greater => hi = mid,
                Ordering::Equal => {
                    let value = area.get(key_end..end(mid, true)?)?;
                    let (&tag, rest) = value.split_first()?;
                    let eight = || -> Option<[u8; 8]> { rest.try_into().ok() };
                    return Some(Some(match tag {
                        T_NULL => ValueRef::Null,
                        T_FALSE => ValueRef::Bool(false),
                        T_TRUE => ValueRef::Bool(true),
                        T_INT => ValueRef::Int(i64::from_le_bytes(eight()?)),
                        T_FLOAT => ValueRef::Float(f64::from_le_bytes(eight()?)),
                        T_STRING => ValueRef::String(std::str::from_utf8(rest).ok()?),
                        _ => return None,
                    }));
                }
            }
        }
        Some(None)
    }

    /// Every entry, decoded and owned.
    pub fn to_map(&self) -> Result<PropertyMap> {
        (0..self.len)
            .map(|i| {
                let (k, v) = self.entry(i)?;
                Ok((k.to_owned(), v.to_value()?))
            })
            .collect()
    }
}
