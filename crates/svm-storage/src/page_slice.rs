//! The page-slice cache: variables as the running contract sees them.
//!
//! A contract reads and writes variables by id; each is a slice of account storage (see
//! [`FixedLayout`](crate::FixedLayout)) that may span pages. Values are cached per transaction;
//! writes are kept as dirty slices and pushed down into the [`PageCache`] by
//! [`PageSliceCache::flush`] when the transaction commits (or before a raw page access that
//! could overlap them).

use svm_types::Address;

use crate::{
    StorageError,
    journal::Journaled,
    layout::{VarId, VarSlot, page_slices},
    page_cache::{PageCache, PageSource},
};

#[derive(Debug, Clone)]
pub(crate) struct CachedSlice {
    slot: VarSlot,
    bytes: Vec<u8>,
    dirty: bool,
}

/// Variable values read or written during one transaction.
#[derive(Debug, Default)]
pub(crate) struct PageSliceCache {
    slices: Journaled<(Address, VarId), CachedSlice>,
}

impl PageSliceCache {
    /// An empty cache.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// The cache as savepoints see it.
    pub(crate) fn journal(&mut self) -> &mut Journaled<(Address, VarId), CachedSlice> {
        &mut self.slices
    }

    /// The value of variable `var` (at `slot`) of `addr`.
    pub(crate) fn read(
        &mut self,
        addr: &Address,
        var: VarId,
        slot: VarSlot,
        pages: &mut PageCache,
        source: &dyn PageSource,
        page_size: u32,
    ) -> Result<Vec<u8>, StorageError> {
        if let Some(s) = self.slices.get(&(*addr, var)) {
            return Ok(s.bytes.clone());
        }
        let bytes = read_range(addr, slot.offset, slot.len, pages, source, page_size)?;
        self.slices.insert(
            (*addr, var),
            CachedSlice {
                slot,
                bytes: bytes.clone(),
                dirty: false,
            },
        );
        Ok(bytes)
    }

    /// Sets variable `var` (at `slot`) of `addr` to `value`, which must be exactly `slot.len`
    /// bytes.
    pub(crate) fn write(
        &mut self,
        addr: &Address,
        var: VarId,
        slot: VarSlot,
        value: &[u8],
    ) -> Result<(), StorageError> {
        if value.len() != slot.len as usize {
            return Err(StorageError::ValueLength {
                var,
                expected: slot.len,
                got: value.len(),
            });
        }
        self.slices.insert(
            (*addr, var),
            CachedSlice {
                slot,
                bytes: value.to_vec(),
                dirty: true,
            },
        );
        Ok(())
    }

    /// Pushes the dirty slices of `addr`'s variables `vars` (or of every cached variable when
    /// `None`) into `pages`, and forgets those variables' cached slices so later reads see the
    /// pages. The work is proportional to the variables named (a raw access names only those
    /// it overlaps, paid per byte), never to everything cached.
    pub(crate) fn flush(
        &mut self,
        vars: Option<(&Address, std::ops::Range<VarId>)>,
        pages: &mut PageCache,
        source: &dyn PageSource,
        page_size: u32,
    ) -> Result<(), StorageError> {
        let keys: Vec<(Address, VarId)> = match vars {
            // `vars_in` never gives a range that starts after its end
            Some((a, range)) => self
                .slices
                .range((*a, range.start)..(*a, range.end))
                .map(|(k, _)| *k)
                .collect(),
            None => self.slices.keys().copied().collect(),
        };
        for key in keys {
            if let Some(s) = self.slices.remove(&key)
                && s.dirty
            {
                write_range(&key.0, s.slot.offset, &s.bytes, pages, source, page_size)?;
            }
        }
        Ok(())
    }
}

/// Reads `len` bytes at storage `offset` of `addr` through the page cache.
pub(crate) fn read_range(
    addr: &Address,
    offset: u32,
    len: u32,
    pages: &mut PageCache,
    source: &dyn PageSource,
    page_size: u32,
) -> Result<Vec<u8>, StorageError> {
    let mut out = vec![0u8; len as usize];
    let mut pos = 0usize;
    for slice in page_slices(offset, len, page_size) {
        let end = pos + slice.len as usize;
        pages.read(addr, slice, &mut out[pos..end], source)?;
        pos = end;
    }
    Ok(out)
}

/// Writes `data` at storage `offset` of `addr` through the page cache.
pub(crate) fn write_range(
    addr: &Address,
    offset: u32,
    data: &[u8],
    pages: &mut PageCache,
    source: &dyn PageSource,
    page_size: u32,
) -> Result<(), StorageError> {
    let len = u32::try_from(data.len()).map_err(|_| StorageError::OutOfRange {
        offset,
        len: u32::MAX,
        size: 0,
    })?;
    let mut pos = 0usize;
    for slice in page_slices(offset, len, page_size) {
        let end = pos + slice.len as usize;
        pages.write(addr, slice, &data[pos..end], source)?;
        pos = end;
    }
    Ok(())
}
