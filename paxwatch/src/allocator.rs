//! The global allocator: mimalloc, called the way std calls the system malloc.
//!
//! Reading allocates many small values (names, codes, dates as sent); mimalloc serves them from
//! thread-local pages, much faster than the system allocator. The `mimalloc` crate's own wrapper calls
//! `mi_malloc_aligned` / `mi_realloc_aligned` for every request, whose fast path only covers small
//! blocks that happen to be aligned: every growing `Vec` beyond the small size classes took the
//! generic aligned path and was copied on each growth (a sixth of PNRGOV reading in callgrind).
//! Requests whose alignment mimalloc's plain entry points already guarantee go to those instead.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys as ffi;

/// Every mimalloc block of at least 16 bytes is 16-byte aligned and every block is 8-byte aligned:
/// size classes are multiples of the word size, and those of 16 bytes or more multiples of 16.
const PLAIN_ALIGN: usize = 16;

pub struct Mimalloc;

/// Whether the plain (unaligned) entry points give `align` for a block of `size` bytes. The same
/// rule std's `System` allocator applies to `malloc`.
fn plain_is_enough(align: usize, size: usize) -> bool {
    align <= PLAIN_ALIGN && align <= size
}

// SAFETY: every method forwards to mimalloc, which returns blocks valid for `size` bytes with at
// least the alignment asked for (plain entry points only where they guarantee it, see
// `plain_is_enough`), frees any block it returned with `mi_free`, and is thread-safe.
unsafe impl GlobalAlloc for Mimalloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarding a valid layout to mimalloc.
        unsafe {
            if plain_is_enough(layout.align(), layout.size()) {
                ffi::mi_malloc(layout.size()).cast()
            } else {
                ffi::mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as in `alloc`.
        unsafe {
            if plain_is_enough(layout.align(), layout.size()) {
                ffi::mi_zalloc(layout.size()).cast()
            } else {
                ffi::mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from this allocator, hence from mimalloc.
        unsafe { ffi::mi_free(ptr.cast::<c_void>()) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from mimalloc with `layout`; the new block keeps its alignment.
        unsafe {
            if plain_is_enough(layout.align(), new_size) {
                ffi::mi_realloc(ptr.cast::<c_void>(), new_size).cast()
            } else {
                ffi::mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()).cast()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_have_the_alignment_asked_for_through_growth() {
        for align in [1usize, 2, 4, 8, 16, 32, 64, 4096] {
            for size in [1usize, 7, 8, 16, 24, 48, 100, 1_000, 5_000, 100_000] {
                let Ok(layout) = Layout::from_size_align(size.max(align), align) else {
                    continue;
                };
                // SAFETY: non-zero size layouts; every block is freed with its layout.
                unsafe {
                    let block = Mimalloc.alloc(layout);
                    assert!(!block.is_null());
                    assert_eq!(block as usize % align, 0, "alloc {size} align {align}");
                    block.write_bytes(0xAB, layout.size());
                    let grown = Mimalloc.realloc(block, layout, layout.size() * 3);
                    assert_eq!(grown as usize % align, 0, "realloc {size} align {align}");
                    assert_eq!(*grown, 0xAB, "contents kept");
                    let grown_layout =
                        Layout::from_size_align(layout.size() * 3, align).expect("layout");
                    Mimalloc.dealloc(grown, grown_layout);
                    let zeroed = Mimalloc.alloc_zeroed(layout);
                    assert_eq!(zeroed as usize % align, 0);
                    assert!((0..layout.size()).all(|i| *zeroed.add(i) == 0));
                    Mimalloc.dealloc(zeroed, layout);
                }
            }
        }
    }
}
