//! The page cache: each page an account touches in a transaction, loaded at most once.
//!
//! Reads fill the cache from a [`PageSource`] (the open layer, then the key-value store) on a
//! miss; writes mark the page dirty. At the end of a successful transaction the dirty pages are
//! taken out ([`PageCache::take_dirty`]) and committed; when the transaction fails the whole
//! cache is dropped, and with it every dirty page.

use std::collections::BTreeMap;

use svm_types::Address;

use crate::{StorageError, layout::PageSlice, page::PageIndex};

/// Where the page cache loads pages from on a miss.
pub trait PageSource {
    /// The stored (trimmed) content of a page, or `None` for a page never written.
    fn load_page(&self, addr: &Address, index: PageIndex) -> Result<Option<Vec<u8>>, StorageError>;
}

#[derive(Debug)]
struct CachedPage {
    /// Always exactly `page_size` bytes.
    data: Vec<u8>,
    dirty: bool,
}

/// Pages loaded (and perhaps modified) during one transaction.
#[derive(Debug)]
pub struct PageCache {
    page_size: u32,
    pages: BTreeMap<(Address, PageIndex), CachedPage>,
}

impl PageCache {
    /// An empty cache for pages of `page_size` bytes.
    pub fn new(page_size: u32) -> Self {
        Self {
            page_size,
            pages: BTreeMap::new(),
        }
    }

    fn page(
        &mut self,
        addr: &Address,
        index: PageIndex,
        source: &dyn PageSource,
    ) -> Result<&mut CachedPage, StorageError> {
        use std::collections::btree_map::Entry;
        match self.pages.entry((*addr, index)) {
            Entry::Occupied(e) => Ok(e.into_mut()),
            Entry::Vacant(e) => {
                let mut data = source.load_page(addr, index)?.unwrap_or_default();
                if data.len() > self.page_size as usize {
                    return Err(StorageError::Corrupt(format!(
                        "page {} of {addr} holds {} bytes, more than the page size {}",
                        index.0,
                        data.len(),
                        self.page_size
                    )));
                }
                data.resize(self.page_size as usize, 0);
                Ok(e.insert(CachedPage { data, dirty: false }))
            }
        }
    }

    /// Copies the bytes of `slice` into `out` (which must be `slice.len` long).
    pub fn read(
        &mut self,
        addr: &Address,
        slice: PageSlice,
        out: &mut [u8],
        source: &dyn PageSource,
    ) -> Result<(), StorageError> {
        let page = self.page(addr, slice.page, source)?;
        let start = slice.offset as usize;
        let bytes =
            page.data
                .get(start..start + slice.len as usize)
                .ok_or(StorageError::OutOfRange {
                    offset: slice.offset,
                    len: slice.len,
                    size: 0,
                })?;
        out.copy_from_slice(bytes);
        Ok(())
    }

    /// Writes `data` (which must be `slice.len` long) into `slice` and marks the page dirty.
    pub fn write(
        &mut self,
        addr: &Address,
        slice: PageSlice,
        data: &[u8],
        source: &dyn PageSource,
    ) -> Result<(), StorageError> {
        let page = self.page(addr, slice.page, source)?;
        let start = slice.offset as usize;
        let target = page.data.get_mut(start..start + slice.len as usize).ok_or(
            StorageError::OutOfRange {
                offset: slice.offset,
                len: slice.len,
                size: 0,
            },
        )?;
        target.copy_from_slice(data);
        page.dirty = true;
        Ok(())
    }

    /// Number of pages in the cache (clean and dirty).
    pub fn len(&self) -> usize {
        self.pages.len()
    }

    /// Whether the cache holds no page.
    pub fn is_empty(&self) -> bool {
        self.pages.is_empty()
    }

    /// Removes the dirty pages, grouped by account, in address then index order; clean pages
    /// stay cached.
    pub fn take_dirty(&mut self) -> BTreeMap<Address, Vec<(PageIndex, Vec<u8>)>> {
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
