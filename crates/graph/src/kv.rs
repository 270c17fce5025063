//! Key-value spaces beside the graph: named ordered maps of byte keys to byte values, read and
//! written in the same transactions as the nodes and edges (an importer's external ids, an
//! application's settings). Each space is a B+tree; the trees are named in a catalog anchored in
//! root slot [`SLOT_KV`].

use std::borrow::Cow;

use btree::{Catalog, Tree};
use pager_mmap::PageSource;

use crate::error::{Error, Result};
use crate::schema::SLOT_KV;
use crate::write::WriteTxn;

/// The longest key, in bytes.
pub const MAX_KV_KEY_LEN: usize = btree::MAX_KEY_LEN;

/// The longest space name, in bytes.
pub const MAX_SPACE_NAME_LEN: usize = 255;

/// One entry of a key-value space: the key and the value, each read in place where it can be.
pub type KvEntry<'a> = (Cow<'a, [u8]>, Cow<'a, [u8]>);

/// The catalog of spaces as `src` sees it.
fn catalog<S: PageSource>(src: &S) -> Result<Catalog> {
    Ok(Catalog::open(src, SLOT_KV)?)
}

/// The tree of space `space`, if it has ever held a key.
pub(crate) fn space_tree<S: PageSource>(src: &S, space: &str) -> Result<Option<Tree>> {
    Ok(catalog(src)?.get(src, space.as_bytes())?)
}

/// Whether `space` is one of the graph's own spaces (labels, property indexes): their names
/// start with a NUL, which the application's names may not.
fn is_internal(space: &[u8]) -> bool {
    space.first() == Some(&0)
}

fn check_space_name(space: &str) -> Result<()> {
    if is_internal(space.as_bytes()) {
        return Err(Error::InvalidString {
            what: "key-value space name",
            why: "it starts with a NUL, which names the graph's own spaces".into(),
        });
    }
    if space.is_empty() || space.len() > MAX_SPACE_NAME_LEN {
        return Err(Error::InvalidString {
            what: "key-value space name",
            why: format!(
                "{} bytes; it must have 1 to {MAX_SPACE_NAME_LEN}",
                space.len()
            ),
        });
    }
    Ok(())
}

/// The value of `key` in `space` (see [`GraphRead::kv_get`]).
pub(crate) fn get<'a, S: PageSource>(
    src: &'a S,
    space: &str,
    key: &[u8],
) -> Result<Option<Cow<'a, [u8]>>> {
    match space_tree(src, space)? {
        Some(tree) => Ok(tree.get(src, key)?),
        None => Ok(None),
    }
}

/// The entries of `space` whose keys start with `prefix` (see [`GraphRead::kv_prefix`]).
pub(crate) fn prefix<'a, S: PageSource>(
    src: &'a S,
    space: &str,
    prefix: &[u8],
) -> Result<Box<dyn Iterator<Item = Result<KvEntry<'a>>> + 'a>> {
    let Some(tree) = space_tree(src, space)? else {
        return Ok(Box::new(std::iter::empty()));
    };
    Ok(Box::new(tree.prefix(src, prefix).map(|entry| {
        let entry = entry?;
        let value = entry.value()?;
        Ok((entry.into_key(), value))
    })))
}

/// The keys of `space` within `from..to`, in order (for the graph's own spaces, whose values
/// are empty).
pub(crate) fn range_keys<S: PageSource>(
    src: &S,
    space: &str,
    from: std::ops::Bound<&[u8]>,
    to: std::ops::Bound<&[u8]>,
) -> Result<Vec<Vec<u8>>> {
    let Some(tree) = space_tree(src, space)? else {
        return Ok(Vec::new());
    };
    tree.range::<_, [u8], _>(src, (from, to))
        .map(|entry| Ok(entry?.key().to_vec()))
        .collect()
}

/// The number of keys in `space`.
pub(crate) fn len<S: PageSource>(src: &S, space: &str) -> Result<u64> {
    Ok(space_tree(src, space)?.map_or(0, |tree| tree.len()))
}

/// The names of the spaces that hold at least one key.
pub(crate) fn spaces<S: PageSource>(src: &S) -> Result<Vec<String>> {
    catalog(src)?
        .names(src)?
        .into_iter()
        .filter(|name| !is_internal(name))
        .map(|name| {
            String::from_utf8(name)
                .map_err(|_| Error::corrupt("a key-value space name is not UTF-8"))
        })
        .collect()
}

/// Every page the spaces use, and the problems their trees have (for `check`); and the pages of
/// each space's tree as [`crate::Stats::pages_by_structure`] names them: "key-value space NAME",
/// the graph's own spaces each as "property indexes" (the catalog's own pages are in none).
pub(crate) fn check<S: PageSource>(src: &S) -> Result<(btree::TreeReport, Vec<(String, u64)>)> {
    let (report, pages_of) = catalog(src)?.check_each(src)?;
    let by_space = pages_of
        .into_iter()
        .map(|(name, pages)| {
            let label = if is_internal(&name) {
                "property indexes".to_owned()
            } else {
                format!("key-value space {}", String::from_utf8_lossy(&name))
            };
            (label, pages)
        })
        .collect();
    Ok((report, by_space))
}

impl WriteTxn {
    /// Sets `key` to `value` in key-value space `space` (created on first use) and returns the
    /// previous value. Keys are up to [`MAX_KV_KEY_LEN`] bytes and order byte-wise; values
    /// up to 1 GiB.
    ///
    /// ```
    /// use graph::{Graph, GraphRead};
    ///
    /// let graph = Graph::in_memory()?;
    /// let mut txn = graph.begin_write()?;
    /// txn.kv_insert("settings", b"colour", b"green")?;
    /// txn.commit()?;
    /// let read = graph.begin_read()?;
    /// assert_eq!(read.kv_get("settings", b"colour")?.as_deref(), Some(&b"green"[..]));
    /// # Ok::<(), graph::Error>(())
    /// ```
    pub fn kv_insert(&mut self, space: &str, key: &[u8], value: &[u8]) -> Result<Option<Vec<u8>>> {
        check_space_name(space)?;
        self.kv_insert_internal(space, key, value)
    }

    /// [`WriteTxn::kv_insert`] without the check of the space's name: the graph's own spaces
    /// (see `props`) are named with a leading NUL.
    pub(crate) fn kv_insert_internal(
        &mut self,
        space: &str,
        key: &[u8],
        value: &[u8],
    ) -> Result<Option<Vec<u8>>> {
        let txn = self.pager_txn();
        let mut catalog = catalog(txn)?;
        let before = catalog.get(txn, space.as_bytes())?;
        let mut tree = before.unwrap_or(Tree::EMPTY);
        let previous = tree.insert(txn, key, value)?;
        // The catalog holds only the root, which stays put once this transaction has copied it.
        if before.map(|t| t.root()) != Some(tree.root()) {
            catalog.set(txn, space.as_bytes(), &tree)?;
        }
        Ok(previous)
    }

    /// Inserts `keys`, each with an empty value, into the graph's own space `space`: the
    /// catalog is read and written once for them all rather than once per key
    /// ([`WriteTxn::add_nodes`]' label and property-index entries). Give the keys in order, so
    /// that consecutive inserts descend to the same leaf.
    pub(crate) fn kv_insert_keys_internal(&mut self, space: &str, keys: &[Vec<u8>]) -> Result<()> {
        let entries = keys.iter().map(|key| (key.as_slice(), &[][..]));
        self.kv_insert_entries_internal(space, entries).map(|_| ())
    }

    /// Inserts `entries` (key, value) into `space`, its name unchecked, reading and writing
    /// the catalog once for them all; returns the first entry that replaced a value (its
    /// position in `entries`, and the value it replaced). Give the keys in order, so that
    /// consecutive keys go into the same leaf without a descent each.
    pub(crate) fn kv_insert_entries_internal<'e>(
        &mut self,
        space: &str,
        entries: impl IntoIterator<Item = (&'e [u8], &'e [u8])>,
    ) -> Result<Option<(usize, Vec<u8>)>> {
        let mut entries = entries.into_iter().peekable();
        if entries.peek().is_none() {
            return Ok(None);
        }
        let txn = self.pager_txn();
        let mut catalog = catalog(txn)?;
        let before = catalog.get(txn, space.as_bytes())?;
        let mut tree = before.unwrap_or(Tree::EMPTY);
        let replaced = tree.insert_sorted(txn, entries)?.into_iter().next();
        if before.map(|t| t.root()) != Some(tree.root()) {
            catalog.set(txn, space.as_bytes(), &tree)?;
        }
        Ok(replaced)
    }

    /// Removes `key` from `space` and returns its value; a space left empty is dropped.
    pub fn kv_remove(&mut self, space: &str, key: &[u8]) -> Result<Option<Vec<u8>>> {
        let txn = self.pager_txn();
        let mut catalog = catalog(txn)?;
        let Some(before) = catalog.get(txn, space.as_bytes())? else {
            return Ok(None);
        };
        let mut tree = before;
        let previous = tree.remove(txn, key)?;
        if tree.is_empty() {
            // Record the new root first: `Catalog::remove` frees the pages of the root it finds.
            catalog.set(txn, space.as_bytes(), &tree)?;
            catalog.remove(txn, space.as_bytes())?;
        } else if tree.root() != before.root() {
            catalog.set(txn, space.as_bytes(), &tree)?;
        }
        Ok(previous)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Graph, GraphRead};

    #[test]
    fn spaces_keep_their_keys_apart_and_commit_with_the_graph() -> Result<()> {
        let graph = Graph::in_memory()?;
        let mut txn = graph.begin_write()?;
        let node = txn.add_node("k", "n", b"")?;
        assert_eq!(txn.kv_insert("ids", b"a", &node.0.to_le_bytes())?, None);
        assert_eq!(txn.kv_insert("ids", b"b", b"2")?, None);
        assert_eq!(txn.kv_insert("other", b"a", b"x")?, None);
        assert_eq!(
            txn.kv_insert("ids", b"b", b"3")?.as_deref(),
            Some(&b"2"[..])
        );
        assert_eq!(txn.kv_get("ids", b"b")?.as_deref(), Some(&b"3"[..]));
        txn.commit()?;

        let mut txn = graph.begin_write()?;
        txn.kv_insert("ids", b"c", b"4")?;
        txn.abort();

        let read = graph.begin_read()?;
        assert_eq!(
            read.kv_spaces()?,
            vec!["ids".to_owned(), "other".to_owned()]
        );
        assert_eq!(read.kv_len("ids")?, 2);
        assert_eq!(read.kv_get("ids", b"c")?, None);
        assert_eq!(read.kv_get("other", b"a")?.as_deref(), Some(&b"x"[..]));
        let entries: Vec<(Vec<u8>, Vec<u8>)> = read
            .kv_prefix("ids", b"")?
            .map(|e| e.map(|(k, v)| (k.to_vec(), v.into_owned())))
            .collect::<Result<_>>()?;
        assert_eq!(
            entries,
            vec![
                (b"a".to_vec(), 0u64.to_le_bytes().to_vec()),
                (b"b".to_vec(), b"3".to_vec())
            ]
        );
        assert!(graph.check()?.is_clean());
        Ok(())
    }

    #[test]
    fn removing_the_last_key_drops_the_space_and_its_pages() -> Result<()> {
        let graph = Graph::in_memory()?;
        let mut txn = graph.begin_write()?;
        for i in 0u32..2_000 {
            txn.kv_insert("big", &btree::keys::u32_key(i), &[7; 100])?;
        }
        txn.commit()?;
        assert!(graph.check()?.is_clean());
        let mut txn = graph.begin_write()?;
        for i in 0u32..2_000 {
            assert_eq!(
                txn.kv_remove("big", &btree::keys::u32_key(i))?,
                Some(vec![7; 100])
            );
        }
        assert_eq!(txn.kv_remove("big", b"gone")?, None);
        txn.commit()?;
        let read = graph.begin_read()?;
        assert!(read.kv_spaces()?.is_empty());
        assert_eq!(read.kv_len("big")?, 0);
        let report = graph.check()?;
        assert!(report.is_clean(), "{:?}", report.problems);
        Ok(())
    }

    #[test]
    fn a_space_name_must_have_one_to_255_bytes() -> Result<()> {
        let graph = Graph::in_memory()?;
        let mut txn = graph.begin_write()?;
        assert!(matches!(
            txn.kv_insert("", b"k", b"v"),
            Err(Error::InvalidString { .. })
        ));
        assert!(matches!(
            txn.kv_insert(&"s".repeat(256), b"k", b"v"),
            Err(Error::InvalidString { .. })
        ));
        assert!(txn.kv_insert(&"s".repeat(255), b"k", b"v")?.is_none());
        Ok(())
    }
}
