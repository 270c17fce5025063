//! Packed leaves: a full leaf whose records took heap pages, rewritten with every payload in
//! its own page ([`PackedLeafPage`]), and read in either form through [`RecordLeaf`].
//!
//! A plain leaf keeps 40 bytes a record and puts payloads over 23 bytes in its own heap of
//! 824 bytes (at 80 slots), then in heap pages of its own: names of 25 to 60 bytes, common in
//! real data, take a heap page a leaf, most of it empty. Once every id of a leaf is handed
//! out its records change rarely, so the table packs it: 17 bytes a record and the payloads
//! after them, one page instead of two. Writing a record of a packed leaf unpacks it first.

use pager_mmap::{PAGE_SIZE, PageHeader, PageId, PageSource, WriteTxn, page_type_of, typed};
use zerocopy::FromBytes;
use zerocopy::little_endian::{U16, U64};

use crate::dense::{LeafFindings, LeafView};
use crate::error::{Error, Result};
use crate::heap::{in_slot_payload, inline_payload};
use crate::layout::{
    Attrs, FLAG_IN_SLOT, FLAG_LIVE, FLAG_OVERFLOW, LeafPage, PACKED_BODY, PACKED_LEAF,
    PACKED_SLOT_SIZE, PackedLeafPage, PackedSlot,
};
use crate::leaf::slots;

/// A record table's leaf, in either form.
#[derive(Clone, Copy)]
pub(crate) enum RecordLeaf<'a> {
    /// 40-byte slots, payloads in the slot, the own heap, heap pages or overflow chains.
    Plain(&'a LeafPage),
    /// 17-byte slots, every payload in the page.
    Packed(&'a PackedLeafPage),
}

impl<'a> LeafView<'a> for RecordLeaf<'a> {
    #[inline(always)]
    fn load<S: PageSource>(src: &'a S, page: PageId) -> Result<Self> {
        let bytes = src.page(page)?;
        if page_type_of(bytes) == PACKED_LEAF {
            return Ok(RecordLeaf::Packed(typed::<PackedLeafPage>(page, bytes)?));
        }
        Ok(RecordLeaf::Plain(typed::<LeafPage>(page, bytes)?))
    }

    #[inline(always)]
    fn first_id(&self) -> u64 {
        match self {
            RecordLeaf::Plain(leaf) => leaf.first_id.get(),
            RecordLeaf::Packed(leaf) => leaf.first_id.get(),
        }
    }

    #[inline(always)]
    fn slot_count(&self) -> usize {
        usize::from(match self {
            RecordLeaf::Plain(leaf) => leaf.slot_count.get(),
            RecordLeaf::Packed(leaf) => leaf.slot_count.get(),
        })
    }

    fn live(&self) -> u16 {
        match self {
            RecordLeaf::Plain(leaf) => leaf.live.get(),
            RecordLeaf::Packed(leaf) => leaf.live.get(),
        }
    }
}

/// The slot of `index` in the packed `leaf`, which must have `per_leaf` slots.
#[inline]
pub(crate) fn packed_slot(
    leaf: &PackedLeafPage,
    per_leaf: usize,
    index: usize,
) -> Result<&PackedSlot> {
    if index < per_leaf && usize::from(leaf.slot_count.get()) == per_leaf {
        // `index` is below the slot count, a `u16`, so the multiplication cannot overflow.
        let start = index * PACKED_SLOT_SIZE;
        let bytes = leaf.body.get(start..start + PACKED_SLOT_SIZE);
        if let Some(slot) = bytes.and_then(|bytes| PackedSlot::ref_from_bytes(bytes).ok()) {
            return Ok(slot);
        }
    }
    Err(no_packed_slot(leaf, per_leaf, index))
}

/// The error for slot `index` missing from a packed leaf. Out of line, off the read path.
#[cold]
#[inline(never)]
fn no_packed_slot(leaf: &PackedLeafPage, per_leaf: usize, index: usize) -> Error {
    Error::Corrupt(format!(
        "no slot {index} in a packed leaf of {} slots, its table {per_leaf}",
        leaf.slot_count.get()
    ))
}

/// The payload of the live `slot` of the packed `leaf`: within the payload bytes, after the
/// `per_leaf` slots and before `used`.
#[inline]
pub(crate) fn packed_payload<'a>(
    leaf: &'a PackedLeafPage,
    per_leaf: usize,
    slot: &PackedSlot,
) -> Result<&'a [u8]> {
    let start = usize::from(slot.offset.get());
    let end = start + usize::from(slot.payload_len.get());
    if start >= per_leaf * PACKED_SLOT_SIZE
        && end <= usize::from(leaf.used.get())
        && let Some(payload) = leaf.body.get(start..end)
    {
        return Ok(payload);
    }
    Err(payload_outside(leaf, per_leaf, start, end))
}

/// The error for a packed payload outside its leaf's payload bytes. Out of line, off the read
/// path.
#[cold]
#[inline(never)]
fn payload_outside(leaf: &PackedLeafPage, per_leaf: usize, start: usize, end: usize) -> Error {
    Error::Corrupt(format!(
        "a packed payload at {start}..{end}, outside the payload bytes {}..{}",
        per_leaf * PACKED_SLOT_SIZE,
        leaf.used.get()
    ))
}

/// The live records of a leaf, read out of it: slot index, attributes, payload.
pub(crate) struct LeafRecords {
    /// Slot index, attributes, and the payload's range in `bytes`.
    records: Vec<(usize, Attrs, std::ops::Range<usize>)>,
    bytes: Vec<u8>,
}

impl LeafRecords {
    fn with_capacity(records: usize) -> LeafRecords {
        LeafRecords {
            records: Vec::with_capacity(records),
            bytes: Vec::new(),
        }
    }

    fn push(&mut self, index: usize, attrs: Attrs, payload: &[u8]) {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(payload);
        self.records.push((index, attrs, start..self.bytes.len()));
    }

    /// Each record: slot index, attributes, payload.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (usize, &Attrs, &[u8])> {
        self.records.iter().map(|(index, attrs, range)| {
            let payload = self.bytes.get(range.clone()).unwrap_or_default();
            (*index, attrs, payload)
        })
    }
}

/// The live records of the packed `leaf`, copied out (to unpack it).
pub(crate) fn packed_records(leaf: &PackedLeafPage, per_leaf: usize) -> Result<LeafRecords> {
    let mut out = LeafRecords::with_capacity(usize::from(leaf.live.get()));
    for index in 0..per_leaf {
        let slot = packed_slot(leaf, per_leaf, index)?;
        if slot.flags & FLAG_LIVE != 0 {
            out.push(index, slot.attrs, packed_payload(leaf, per_leaf, slot)?);
        }
    }
    Ok(out)
}

/// Rewrites the writable plain leaf `leaf_id` as a packed leaf when that saves pages and its
/// records fit: it owns a heap page, no live payload is in an overflow chain, and the slots and
/// payloads fit the page. Its heap pages are freed then. Returns whether it packed.
pub(crate) fn pack_if_smaller(
    txn: &mut WriteTxn,
    leaf_id: PageId,
    per_leaf: usize,
) -> Result<bool> {
    let leaf = txn.page_as::<LeafPage>(leaf_id)?;
    if leaf.heap_pages.iter().all(|page| page.get() == 0) {
        return Ok(false);
    }
    let mut records = LeafRecords::with_capacity(usize::from(leaf.live.get()));
    for (index, slot) in slots(leaf, per_leaf)?.iter().enumerate() {
        if slot.flags & FLAG_LIVE == 0 {
            continue;
        }
        let payload = match slot.flags & (FLAG_IN_SLOT | FLAG_OVERFLOW) {
            FLAG_IN_SLOT => in_slot_payload(slot)?,
            0 => inline_payload(&*txn, leaf, per_leaf, slot)?,
            _ => return Ok(false),
        };
        records.push(index, slot.attrs, payload);
    }
    let slot_bytes = per_leaf * PACKED_SLOT_SIZE;
    if slot_bytes + records.bytes.len() > PACKED_BODY {
        return Ok(false);
    }
    let heap_pages: Vec<PageId> = leaf
        .heap_pages
        .iter()
        .filter(|page| page.get() != 0)
        .map(|page| PageId(page.get()))
        .collect();
    let (first_id, live, slot_count) = (leaf.first_id, leaf.live, leaf.slot_count);
    let mut image = Box::new([0u8; PAGE_SIZE]);
    let packed = PackedLeafPage::mut_from_bytes(&mut image[..])
        .map_err(|_| Error::Corrupt("packed leaf layout size".into()))?;
    packed.header = PageHeader::new(PACKED_LEAF);
    packed.first_id = first_id;
    packed.live = live;
    packed.slot_count = slot_count;
    let mut at = slot_bytes;
    for (index, attrs, payload) in records.iter() {
        let end = at + payload.len();
        // `at` and `end` are within the body (checked above), below 2^16.
        let slot = PackedSlot {
            flags: FLAG_LIVE,
            payload_len: U16::new(payload.len() as u16),
            attrs: *attrs,
            offset: U16::new(at as u16),
        };
        let start = index * PACKED_SLOT_SIZE;
        let past = || Error::Corrupt("a packed leaf's records past its page".into());
        packed
            .body
            .get_mut(start..start + PACKED_SLOT_SIZE)
            .ok_or_else(past)?
            .copy_from_slice(zerocopy::IntoBytes::as_bytes(&slot));
        packed
            .body
            .get_mut(at..end)
            .ok_or_else(past)?
            .copy_from_slice(payload);
        at = end;
    }
    packed.used = U16::new(at as u16);
    *txn.page_mut(leaf_id)? = *image;
    for page in heap_pages {
        txn.free(page)?;
    }
    Ok(true)
}

/// A plain leaf's page image holding no record yet, for the records `first_id ..` of a table
/// of `per_leaf` slots a leaf (to unpack a packed leaf into).
pub(crate) fn empty_plain_leaf(first_id: U64, slot_count: U16) -> Result<Box<[u8; PAGE_SIZE]>> {
    let mut image = Box::new([0u8; PAGE_SIZE]);
    let leaf = LeafPage::mut_from_bytes(&mut image[..])
        .map_err(|_| Error::Corrupt("leaf layout size".into()))?;
    leaf.header = PageHeader::new(<LeafPage as pager_mmap::Page>::TYPE);
    leaf.first_id = first_id;
    leaf.slot_count = slot_count;
    Ok(image)
}

/// Checks the slots of the packed leaf `id`: each slot live or all zero, each live payload
/// within the payload bytes, none overlapping, and the payload bytes' end within the body.
pub(crate) fn check_packed(
    findings: &mut LeafFindings<'_>,
    per_leaf: usize,
    id: PageId,
    leaf: &PackedLeafPage,
    first_id: u64,
) -> Result<()> {
    if usize::from(leaf.used.get()) > PACKED_BODY {
        findings.problems.push(format!(
            "packed leaf {id} uses {} bytes of {PACKED_BODY}",
            leaf.used.get()
        ));
    }
    let mut ranges = Vec::new();
    for index in 0..per_leaf {
        let slot = packed_slot(leaf, per_leaf, index)?;
        let record = first_id.saturating_add(index as u64);
        match slot.flags {
            0 => {
                if zerocopy::IntoBytes::as_bytes(slot).iter().any(|b| *b != 0) {
                    findings
                        .problems
                        .push(format!("record {record}: an empty packed slot is not zero"));
                }
                continue;
            }
            FLAG_LIVE => {}
            other => {
                findings
                    .problems
                    .push(format!("record {record}: packed slot flags {other}"));
                continue;
            }
        }
        findings.live_record(record);
        match packed_payload(leaf, per_leaf, slot) {
            Ok(payload) if !payload.is_empty() => {
                let start = usize::from(slot.offset.get());
                ranges.push((start, start + payload.len(), record));
            }
            Ok(_) => {}
            Err(e) => findings.problems.push(format!("record {record}: {e}")),
        }
    }
    ranges.sort_unstable();
    for pair in ranges.windows(2) {
        if let [(_, end, a), (start, _, b)] = pair
            && start < end
        {
            findings.problems.push(format!(
                "records {a} and {b} share bytes in packed leaf {id}"
            ));
        }
    }
    Ok(())
}
