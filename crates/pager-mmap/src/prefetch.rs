//! A hint to the CPU that bytes are about to be read, so that the misses of several reads are
//! in flight together. A search of the vector index asks for all of a node's new neighbours'
//! vectors this way before it computes the first distance (hnswlib does the same). Safe Rust has
//! no prefetch instruction; a prefetch never faults and changes no memory, so this safe wrapper
//! lives here, with the crate's other `unsafe` code.

/// Bytes of a cache line.
const LINE: usize = 64;

/// Asks the CPU to bring every cache line of `bytes` into its caches. A hint only: nothing
/// waits for it, and on targets other than x86-64 it does nothing.
#[inline]
pub fn prefetch(bytes: &[u8]) {
    #[cfg(target_arch = "x86_64")]
    {
        use core::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        let first = bytes.as_ptr();
        // From the start of the first byte's line, so that a slice that does not start on a
        // line boundary has its last line asked for too.
        let lines = (first as usize % LINE + bytes.len()).div_ceil(LINE);
        let start = first.wrapping_sub(first as usize % LINE);
        for line in 0..lines {
            // SAFETY: `_mm_prefetch` only hints the cache: it never faults, reads nothing into
            // the program and writes nothing, whatever the address; the addresses here are the
            // lines of a live slice anyway.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(start.wrapping_add(line * LINE).cast()) };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = bytes;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefetching_any_slice_changes_nothing() {
        let bytes: Vec<u8> = (0..=255).collect();
        for start in [0, 1, 17, 63, 64, 200] {
            for len in [0, 1, 55, 56] {
                prefetch(&bytes[start..start + len]);
            }
        }
        prefetch(&[]);
        assert_eq!(bytes, (0..=255).collect::<Vec<u8>>());
    }
}
