//! The string tables: kind names and edge-type names, interned to dense `u32` ids (edge types
//! below [`MAX_EDGE_TYPES`]), in one B+tree. Keys: tag 1 + kind name -> kind id; tag 2 + kind
//! id -> name; tags 3 and 4 the same for edge types. Ids are big-endian, so the last key of a
//! tag is the highest id.
//!
//! A name longer than [`LABEL_KEY_PREFIX`] bytes (up to [`crate::MAX_LABEL_LEN`]) does not fit
//! a key: its key is the tag, its first [`LABEL_KEY_PREFIX`] bytes and the XXH3-64 of the whole
//! name (little-endian), one byte longer than any short name's key, so the two kinds of key
//! never meet. Its id's entry holds the whole name, and a lookup compares it, so two long names
//! whose hashes collide are told apart (the second is refused).

use std::borrow::Cow;

use btree::Tree;
use btree::keys::{decode_u32, u32_key};
use pager_mmap::{PageSource, WriteTxn};

use crate::error::{Error, Result};
use crate::schema::MAX_EDGE_TYPES;

/// Which table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Label {
    Kind,
    EdgeType,
}

impl Label {
    fn by_name(self) -> u8 {
        match self {
            Label::Kind => 1,
            Label::EdgeType => 3,
        }
    }

    fn by_id(self) -> u8 {
        self.by_name() + 1
    }

    /// How many ids the layout can number: edge types are stored in 16 bits.
    fn limit(self) -> u64 {
        match self {
            Label::Kind => u64::from(u32::MAX) + 1,
            Label::EdgeType => MAX_EDGE_TYPES,
        }
    }

    fn singular(self) -> &'static str {
        match self {
            Label::Kind => "kind",
            Label::EdgeType => "edge type",
        }
    }

    fn plural(self) -> &'static str {
        match self {
            Label::Kind => "kinds",
            Label::EdgeType => "edge types",
        }
    }
}

/// The longest name keyed by itself; longer names are keyed by this many bytes and a hash.
const LABEL_KEY_PREFIX: usize = 1_000;
const _: () = assert!(1 + LABEL_KEY_PREFIX + 8 <= btree::MAX_KEY_LEN);

fn name_key(label: Label, name: &str) -> Vec<u8> {
    let bytes = name.as_bytes();
    let mut key = Vec::with_capacity(bytes.len().min(LABEL_KEY_PREFIX + 8) + 1);
    key.push(label.by_name());
    match bytes.get(..LABEL_KEY_PREFIX) {
        Some(start) if bytes.len() > LABEL_KEY_PREFIX => {
            key.extend_from_slice(start);
            key.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(bytes).to_le_bytes());
        }
        _ => key.extend_from_slice(bytes),
    }
    key
}

fn id_key(label: Label, id: u32) -> [u8; 5] {
    let [a, b, c, d] = u32_key(id);
    [label.by_id(), a, b, c, d]
}

/// The id of `name`, if it was interned.
pub(crate) fn id_of(
    tree: &Tree,
    src: &impl PageSource,
    label: Label,
    name: &str,
) -> Result<Option<u32>> {
    let Some(value) = tree.get(src, &name_key(label, name))? else {
        return Ok(None);
    };
    let id = decode_u32(&value)
        .ok_or_else(|| Error::corrupt(format!("string table value for {name:?}")))?;
    if name.len() > LABEL_KEY_PREFIX && name_of(tree, src, label, id)? != name {
        return Err(Error::InvalidString {
            what: label.singular(),
            why: format!(
                "its first {LABEL_KEY_PREFIX} bytes and hash are those of {label:?} {id}, \
                 another name"
            ),
        });
    }
    Ok(Some(id))
}

/// The name of id `id`.
pub(crate) fn name_of<'a, S: PageSource>(
    tree: &Tree,
    src: &'a S,
    label: Label,
    id: u32,
) -> Result<Cow<'a, str>> {
    let bytes = tree
        .get(src, &id_key(label, id))?
        .ok_or_else(|| Error::corrupt(format!("{label:?} id {id} has no name")))?;
    match bytes {
        Cow::Borrowed(b) => std::str::from_utf8(b).map(Cow::Borrowed),
        Cow::Owned(b) => String::from_utf8(b)
            .map(Cow::Owned)
            .map_err(|e| e.utf8_error()),
    }
    .map_err(|_| Error::corrupt(format!("{label:?} id {id} has a name that is not UTF-8")))
}

/// The id of `name`, interning it with the next free id if it is new.
pub(crate) fn intern(tree: &mut Tree, txn: &mut WriteTxn, label: Label, name: &str) -> Result<u32> {
    if let Some(id) = id_of(tree, txn, label, name)? {
        return Ok(id);
    }
    let next = match tree.prefix(txn, &[label.by_id()]).next_back() {
        Some(last) => {
            let last = last?;
            let id = last
                .key()
                .get(1..)
                .and_then(decode_u32)
                .ok_or_else(|| Error::corrupt("string table id key"))?;
            u64::from(id) + 1
        }
        None => 0,
    };
    let next = u32::try_from(next)
        .ok()
        .filter(|next| u64::from(*next) < label.limit())
        .ok_or(Error::LimitReached {
            what: label.plural(),
            limit: label.limit(),
        })?;
    tree.insert(txn, &name_key(label, name), &u32_key(next))?;
    tree.insert(txn, &id_key(label, next), name.as_bytes())?;
    Ok(next)
}

/// Every (id, name) of a table, by id.
pub(crate) fn all(tree: &Tree, src: &impl PageSource, label: Label) -> Result<Vec<(u32, String)>> {
    let mut out = Vec::new();
    for entry in tree.prefix(src, &[label.by_id()]) {
        let entry = entry?;
        let id = entry
            .key()
            .get(1..)
            .and_then(decode_u32)
            .ok_or_else(|| Error::corrupt("string table id key"))?;
        let name = String::from_utf8(entry.value()?.into_owned())
            .map_err(|_| Error::corrupt(format!("{label:?} {id} is not UTF-8")))?;
        out.push((id, name));
    }
    Ok(out)
}

/// Whether every name maps to an id that maps back to it, and the other way round.
pub(crate) fn check(
    tree: &Tree,
    src: &impl PageSource,
    label: Label,
    problems: &mut Vec<String>,
) -> Result<u64> {
    let by_id = all(tree, src, label)?;
    for (id, name) in &by_id {
        if id_of(tree, src, label, name)? != Some(*id) {
            problems.push(format!("{label:?} {name:?} does not map back to id {id}"));
        }
    }
    let names = tree.prefix(src, &[label.by_name()]).count();
    if names != by_id.len() {
        problems.push(format!(
            "{label:?} table has {names} names for {} ids",
            by_id.len()
        ));
    }
    Ok(by_id.len() as u64)
}
