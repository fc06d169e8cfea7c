//! The page cache: each page an account touches in a transaction, loaded at most once.
//!
//! Reads fill the cache from a [`PageSource`] (the open layer, then the key-value store) on a
//! miss; writes mark the page dirty. At the end of a successful transaction the dirty pages are
//! taken out ([`PageCache::take_dirty`]) and committed; when the transaction fails the whole
//! cache is dropped, and with it every dirty page.

use std::collections::BTreeMap;

use svm_types::Address;

use crate::{StorageError, journal::Journaled, layout::PageSlice, page::PageIndex};

/// Where the page cache loads pages from on a miss.
pub(crate) trait PageSource {
    /// The stored (trimmed) content of a page, or `None` for a page never written.
    fn load_page(&self, addr: &Address, index: PageIndex) -> Result<Option<Vec<u8>>, StorageError>;
}

#[derive(Debug, Clone)]
pub(crate) struct CachedPage {
    /// The page's bytes up to its last loaded or written byte (at most `page_size`); the rest
    /// of the page is zeros. Small variables therefore never cost a whole page of memory.
    data: Vec<u8>,
    dirty: bool,
}

/// Pages loaded (and perhaps modified) during one transaction.
#[derive(Debug)]
pub(crate) struct PageCache {
    page_size: u32,
    pages: Journaled<(Address, PageIndex), CachedPage>,
}

impl PageCache {
    /// An empty cache for pages of `page_size` bytes.
    pub(crate) fn new(page_size: u32) -> Self {
        Self {
            page_size,
            pages: Journaled::new(),
        }
    }

    /// The cache as savepoints see it.
    pub(crate) fn journal(&mut self) -> &mut Journaled<(Address, PageIndex), CachedPage> {
        &mut self.pages
    }

    /// Loads page `index` of `addr` unless cached.
    fn load(
        &mut self,
        addr: &Address,
        index: PageIndex,
        source: &dyn PageSource,
    ) -> Result<(), StorageError> {
        if self.pages.contains_key(&(*addr, index)) {
            return Ok(());
        }
        let data = source.load_page(addr, index)?.unwrap_or_default();
        if data.len() > self.page_size as usize {
            return Err(StorageError::Corrupt(format!(
                "page {} of {addr} holds {} bytes, more than the page size {}",
                index.0,
                data.len(),
                self.page_size
            )));
        }
        self.pages
            .insert((*addr, index), CachedPage { data, dirty: false });
        Ok(())
    }

    /// The cached page `index` of `addr`, loaded if needed.
    fn page(
        &mut self,
        addr: &Address,
        index: PageIndex,
        source: &dyn PageSource,
    ) -> Result<&CachedPage, StorageError> {
        self.load(addr, index, source)?;
        self.pages
            .get(&(*addr, index))
            .ok_or_else(|| StorageError::Corrupt("a loaded page left the page cache".into()))
    }

    /// The cached page `index` of `addr`, loaded if needed, to change.
    fn page_mut(
        &mut self,
        addr: &Address,
        index: PageIndex,
        source: &dyn PageSource,
    ) -> Result<&mut CachedPage, StorageError> {
        self.load(addr, index, source)?;
        self.pages
            .get_mut(&(*addr, index))
            .ok_or_else(|| StorageError::Corrupt("a loaded page left the page cache".into()))
    }

    /// Copies the bytes of `slice` into `out` (which must be `slice.len` long).
    pub(crate) fn read(
        &mut self,
        addr: &Address,
        slice: PageSlice,
        out: &mut [u8],
        source: &dyn PageSource,
    ) -> Result<(), StorageError> {
        let page_size = self.page_size;
        let page = self.page(addr, slice.page, source)?;
        let (start, end) = check_slice(slice, out.len(), page_size)?;
        // Bytes past the stored part of the page are zeros.
        let stored = page
            .data
            .get(start..end.min(page.data.len()))
            .unwrap_or(&[]);
        out[..stored.len()].copy_from_slice(stored);
        out[stored.len()..].fill(0);
        Ok(())
    }

    /// Writes `data` (which must be `slice.len` long) into `slice` and marks the page dirty.
    pub(crate) fn write(
        &mut self,
        addr: &Address,
        slice: PageSlice,
        data: &[u8],
        source: &dyn PageSource,
    ) -> Result<(), StorageError> {
        let page_size = self.page_size;
        let page = self.page_mut(addr, slice.page, source)?;
        let (start, end) = check_slice(slice, data.len(), page_size)?;
        if page.data.len() < end {
            page.data.resize(end, 0);
        }
        page.data[start..end].copy_from_slice(data);
        page.dirty = true;
        Ok(())
    }

    /// Number of pages in the cache (clean and dirty).
    pub(crate) fn len(&self) -> usize {
        self.pages.len()
    }

    /// Removes the dirty pages (their bytes up to the last loaded or written one; the rest is
    /// zeros), grouped by account, in address then index order; clean pages stay cached.
    pub(crate) fn take_dirty(&mut self) -> BTreeMap<Address, Vec<(PageIndex, Vec<u8>)>> {
        let mut out: BTreeMap<Address, Vec<(PageIndex, Vec<u8>)>> = BTreeMap::new();
        for ((addr, index), page) in self.pages.iter_mut() {
            if page.dirty {
                page.dirty = false;
                out.entry(*addr)
                    .or_default()
                    .push((*index, page.data.clone()));
            }
        }
        out
    }
}

/// The byte range of `slice` inside its page, if it lies inside the page and matches a buffer
/// of `buf_len` bytes.
fn check_slice(
    slice: PageSlice,
    buf_len: usize,
    page_size: u32,
) -> Result<(usize, usize), StorageError> {
    let start = slice.offset as usize;
    let end = start + slice.len as usize;
    if end > page_size as usize || buf_len != slice.len as usize {
        return Err(StorageError::OutOfRange {
            offset: slice.offset,
            len: slice.len,
            size: page_size,
        });
    }
    Ok((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::page_slices;
    use proptest::prelude::*;

    /// Pages preloaded with a few stored (trimmed) contents.
    struct Stored(BTreeMap<u32, Vec<u8>>);
    impl PageSource for Stored {
        fn load_page(
            &self,
            _: &Address,
            index: PageIndex,
        ) -> Result<Option<Vec<u8>>, StorageError> {
            Ok(self.0.get(&index.0).cloned())
        }
    }

    proptest! {
        /// Reads and writes at any offset, across pages, agree with a flat byte array.
        #[test]
        fn page_cache_agrees_with_a_flat_model(
            stored in prop::collection::btree_map(0u32..4, prop::collection::vec(any::<u8>(), 0..16), 0..4),
            ops in prop::collection::vec((any::<bool>(), 0u32..64, 0u32..24, any::<u8>()), 1..40),
        ) {
            const PAGE: u32 = 16;
            let mut model = [0u8; 64];
            for (i, bytes) in &stored {
                model[(*i * PAGE) as usize..][..bytes.len()].copy_from_slice(bytes);
            }
            let source = Stored(stored);
            let mut cache = PageCache::new(PAGE);
            let addr = Address([1; 20]);
            for (write, offset, len, fill) in ops {
                let len = len.min(64 - offset);
                let mut pos = 0usize;
                for slice in page_slices(offset, len, PAGE) {
                    let n = slice.len as usize;
                    let at = offset as usize + pos;
                    if write {
                        cache.write(&addr, slice, &vec![fill; n], &source).unwrap();
                        model[at..at + n].fill(fill);
                    } else {
                        let mut out = vec![0xEE; n];
                        cache.read(&addr, slice, &mut out, &source).unwrap();
                        prop_assert_eq!(&out[..], &model[at..at + n]);
                    }
                    pos += n;
                }
            }
            for (index, data) in cache.take_dirty().remove(&addr).unwrap_or_default() {
                let start = (index.0 * PAGE) as usize;
                prop_assert_eq!(&data[..], &model[start..start + data.len()]);
                prop_assert!(model[start + data.len()..start + PAGE as usize].iter().all(|b| *b == 0));
            }
        }
    }

    #[test]
    fn slices_outside_the_page_are_errors() {
        let mut cache = PageCache::new(8);
        let source = Stored(BTreeMap::new());
        let a = Address([2; 20]);
        let bad = PageSlice {
            page: PageIndex(0),
            offset: 6,
            len: 4,
        };
        assert!(cache.write(&a, bad, &[0; 4], &source).is_err());
        assert!(cache.read(&a, bad, &mut [0; 4], &source).is_err());
        let ok = PageSlice {
            page: PageIndex(0),
            offset: 6,
            len: 2,
        };
        assert!(
            cache.read(&a, ok, &mut [0; 3], &source).is_err(),
            "buffer length must match"
        );
    }
}
