//! The copy-on-write B+tree of mmgraph: secondary indexes (nodes by kind, by name and name
//! prefix), the string tables that intern kind and edge-type names, and a user key-value
//! space, all inside the pager's transactions.
//!
//! It sits on `pager-mmap` and under `graph`. Every page it uses comes from the pager and
//! goes back to it: a change copies the path from the leaf to the root into pages the write
//! transaction owns ([`pager_mmap::WriteTxn::cow`]) and frees what it replaces, so snapshots
//! keep seeing their own version and a committed page is never written. Reads go through any
//! [`pager_mmap::PageSource`] and return keys and inline values borrowed from the mapping.
//!
//! Keys are byte strings of up to [`MAX_KEY_LEN`] bytes in lexicographic order ([`keys`] has
//! order-preserving encodings of integers and composite keys); values are up to
//! [`MAX_VALUE_LEN`] bytes, those that do not fit inline in chains of overflow pages. A
//! [`Tree`] is identified by its root page id, anchored in a pager root slot or by name in a
//! [`Catalog`]. Layouts are zero-copy structs with `const` size assertions
//! ([`layout`]); `docs/format.md` describes them byte by byte.
//!
//! ```
//! use btree::Tree;
//! use pager_mmap::{MemStorage, Options, Pager};
//!
//! let pager = Pager::with_storage(Box::new(MemStorage::new()), Options::default())?;
//! let mut txn = pager.begin_write()?;
//! let mut tree = Tree::EMPTY;
//! tree.insert(&mut txn, b"apple", b"red")?;
//! tree.insert(&mut txn, b"banana", b"yellow")?;
//! tree.save_to_slot(&mut txn, 1)?;
//! txn.commit()?;
//!
//! let read = pager.begin_read()?;
//! let tree = Tree::from_slot(&read, 1)?;
//! assert_eq!(tree.get(&read, b"apple")?.as_deref(), Some(&b"red"[..]));
//! let keys: Vec<Vec<u8>> = tree.iter(&read).map(|e| e.map(|e| e.key().to_vec())).collect::<Result<_, _>>()?;
//! assert_eq!(keys, [&b"apple"[..], b"banana"]);
//! # Ok::<(), btree::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(clippy::indexing_slicing)]
#![cfg_attr(test, allow(clippy::indexing_slicing))]

mod balance;
mod bulk;
mod catalog;
mod cell;
mod cells;
mod check;
mod cursor;
mod error;
mod key_buf;
pub mod keys;
pub mod layout;
mod node;
mod packed;
mod path;
mod slotted;
mod sorted;
mod tree;
mod unpack;

pub use bulk::BulkFill;
pub use catalog::{Catalog, PagesOf};
pub use check::TreeReport;
pub use cursor::{Entry, Range, prefix_end};
pub use error::{Error, Result};
pub use keys::{KeyBuilder, KeyReader};
pub use layout::{MAX_KEY_LEN, MAX_VALUE_LEN};
pub use tree::Tree;
