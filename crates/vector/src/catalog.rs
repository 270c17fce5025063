//! The named indexes of a file: a B+tree anchored in one root slot, from index name to its
//! [`Header`](crate::spec) (spec, entry point, counts, free lists, the roots of its node map
//! and slot tables).

use btree::Tree;
use pager_mmap::{PageSource, WriteTxn};

use crate::error::{Error, Result, corrupt};
use crate::index::Index;
use crate::spec::{Header, IndexSpec, check_name};

/// An index's name, shape and size, as [`list`] reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexInfo {
    /// The index's name.
    pub name: String,
    /// Its dimension, metric and HNSW parameters.
    pub spec: IndexSpec,
    /// Vectors it holds.
    pub len: u64,
}

fn catalog<S: PageSource>(src: &S, slot: usize) -> Result<Tree> {
    Ok(Tree::from_slot(src, slot)?)
}

/// Creates an empty index `name` in the catalog of root slot `slot`.
pub fn create(txn: &mut WriteTxn, slot: usize, name: &str, spec: IndexSpec) -> Result<Index> {
    check_name(name)?;
    spec.validate()?;
    let mut names = catalog(txn, slot)?;
    if names.contains_key(txn, name.as_bytes())? {
        return Err(Error::IndexExists(name.to_owned()));
    }
    let index = Index::new(name, Header::empty(spec), Tree::EMPTY);
    names.insert(txn, name.as_bytes(), &index.header.encode())?;
    names.save_to_slot(txn, slot)?;
    Ok(index)
}

/// The index `name` of the catalog in `slot`.
pub fn open<S: PageSource>(src: &S, slot: usize, name: &str) -> Result<Index> {
    let names = catalog(src, slot)?;
    let bytes = names
        .get(src, name.as_bytes())?
        .ok_or_else(|| Error::UnknownIndex(name.to_owned()))?;
    let header = Header::decode(&bytes)?;
    let map = Tree::load(src, header.map_root)?;
    if map.len() != header.len {
        return Err(corrupt(format!(
            "index {name:?} maps {} nodes and counts {} vectors",
            map.len(),
            header.len
        )));
    }
    Ok(Index::new(name, header, map))
}

/// Records `index`'s header (after changes) in the catalog of `slot`.
pub fn save(txn: &mut WriteTxn, slot: usize, index: &Index) -> Result<()> {
    let mut names = catalog(txn, slot)?;
    names.insert(txn, index.name.as_bytes(), &index.current_header().encode())?;
    names.save_to_slot(txn, slot).map_err(Error::from)
}

/// Drops index `name` and frees its pages; returns whether it existed.
pub fn drop_index(txn: &mut WriteTxn, slot: usize, name: &str) -> Result<bool> {
    let index = match open(txn, slot, name) {
        Ok(index) => index,
        Err(Error::UnknownIndex(_)) => return Ok(false),
        Err(e) => return Err(e),
    };
    let mut index = index;
    index.map.clear(txn)?;
    for table in [&mut index.slots].into_iter().chain(index.upper.iter_mut()) {
        table.free_all(txn)?;
    }
    let mut names = catalog(txn, slot)?;
    names.delete(txn, name.as_bytes())?;
    names.save_to_slot(txn, slot)?;
    Ok(true)
}

/// The names of the indexes in `slot`, in byte order.
pub fn names<S: PageSource>(src: &S, slot: usize) -> Result<Vec<String>> {
    let names = catalog(src, slot)?;
    let mut out = Vec::new();
    for entry in names.iter(src) {
        let entry = entry?;
        out.push(
            String::from_utf8(entry.key().to_vec())
                .map_err(|_| corrupt("an index name is not UTF-8"))?,
        );
    }
    Ok(out)
}

/// Every index in `slot`: name, spec and size.
pub fn list<S: PageSource>(src: &S, slot: usize) -> Result<Vec<IndexInfo>> {
    names(src, slot)?
        .into_iter()
        .map(|name| {
            let index = open(src, slot, &name)?;
            Ok(IndexInfo {
                spec: index.spec(),
                len: index.len(),
                name,
            })
        })
        .collect()
}

/// Deletes `node`'s vector from every index in `slot` (a node being deleted).
pub fn delete_everywhere(txn: &mut WriteTxn, slot: usize, node: u64) -> Result<()> {
    for name in names(txn, slot)? {
        let mut index = open(txn, slot, &name)?;
        if index.delete(txn, node)? {
            save(txn, slot, &index)?;
        }
    }
    Ok(())
}
