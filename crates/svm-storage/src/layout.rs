//! A template's fixed storage layout: variables by id, each a byte range of account storage.
//!
//! Variable `i` starts where variable `i - 1` ends, so a layout is just the list of variable
//! sizes. Where a variable lands in pages is computed by [`page_slices`]; a variable may
//! straddle a page boundary.

use crate::{StorageError, page::PageIndex};

/// A variable id: its position in the template's layout.
pub type VarId = u32;

/// Where one variable lives in account storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VarSlot {
    /// Byte offset from the start of the account's storage.
    pub offset: u32,
    /// Length in bytes.
    pub len: u32,
}

/// A template's storage layout: variable sizes in declaration order.
///
/// ```
/// use svm_storage::FixedLayout;
/// let layout = FixedLayout::new(&[1, 4, 8]).unwrap();
/// assert_eq!(layout.var(2).unwrap().offset, 5);
/// assert_eq!(layout.total_size(), 13);
/// assert!(layout.var(3).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FixedLayout {
    slots: Vec<VarSlot>,
    total: u32,
}

/// The largest storage of one account, in bytes (16 MiB): a layout may not be larger, and
/// the depth of the page trees follows from it.
pub use svm_proof::MAX_STORAGE_SIZE;

impl FixedLayout {
    /// Builds a layout from variable sizes. Every size must be non-zero and the total at most
    /// [`MAX_STORAGE_SIZE`].
    pub fn new(sizes: &[u32]) -> Result<Self, StorageError> {
        let mut slots = Vec::with_capacity(sizes.len());
        let mut offset: u32 = 0;
        for (id, &len) in sizes.iter().enumerate() {
            if len == 0 {
                return Err(StorageError::InvalidLayout(format!(
                    "variable {id} has size 0"
                )));
            }
            slots.push(VarSlot { offset, len });
            offset = offset.checked_add(len).ok_or_else(|| {
                StorageError::InvalidLayout(format!(
                    "layout larger than {} bytes at variable {id}",
                    u32::MAX
                ))
            })?;
        }
        if offset > MAX_STORAGE_SIZE {
            return Err(StorageError::InvalidLayout(format!(
                "{offset} bytes of storage, at most {MAX_STORAGE_SIZE}"
            )));
        }
        Ok(Self {
            slots,
            total: offset,
        })
    }

    /// The variable sizes, in order.
    pub fn sizes(&self) -> Vec<u32> {
        self.slots.iter().map(|s| s.len).collect()
    }

    /// Number of variables.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether the layout has no variable.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Total bytes of all variables: the size of an account's storage.
    pub fn total_size(&self) -> u32 {
        self.total
    }

    /// Where variable `var` lives, or [`StorageError::UnknownVar`].
    pub fn var(&self, var: VarId) -> Result<VarSlot, StorageError> {
        self.slots
            .get(var as usize)
            .copied()
            .ok_or(StorageError::UnknownVar {
                var,
                count: self.slots.len() as u32,
            })
    }

    /// The variables whose bytes overlap the `len` bytes at `offset` (a contiguous range of
    /// ids: variables are laid out in id order), found by binary search.
    ///
    /// ```
    /// use svm_storage::FixedLayout;
    /// let layout = FixedLayout::new(&[4, 8, 2]).unwrap(); // bytes 0..4, 4..12, 12..14
    /// assert_eq!(layout.vars_in(3, 2), 0..2);
    /// assert_eq!(layout.vars_in(4, 8), 1..2);
    /// assert_eq!(layout.vars_in(13, 100), 2..3);
    /// assert_eq!(layout.vars_in(14, 5), 3..3);
    /// assert_eq!(layout.vars_in(0, 0), 0..0);
    /// ```
    pub fn vars_in(&self, offset: u32, len: u32) -> std::ops::Range<VarId> {
        if len == 0 {
            return 0..0;
        }
        let end = u64::from(offset) + u64::from(len);
        let first = self
            .slots
            .partition_point(|s| u64::from(s.offset) + u64::from(s.len) <= u64::from(offset));
        let last = self.slots.partition_point(|s| u64::from(s.offset) < end);
        (first as VarId)..(last.max(first) as VarId)
    }

    /// Checks that `data` written at `offset` lies inside the account's storage: its length
    /// as a `u32`.
    pub fn check_data(&self, offset: u32, data: &[u8]) -> Result<u32, StorageError> {
        let len = u32::try_from(data.len()).map_err(|_| StorageError::OutOfRange {
            offset,
            len: u32::MAX,
            size: self.total,
        })?;
        self.check_range(offset, len)?;
        Ok(len)
    }

    /// Checks that `len` bytes at `offset` lie inside the account's storage.
    pub fn check_range(&self, offset: u32, len: u32) -> Result<(), StorageError> {
        match offset.checked_add(len) {
            Some(end) if end <= self.total => Ok(()),
            _ => Err(StorageError::OutOfRange {
                offset,
                len,
                size: self.total,
            }),
        }
    }
}

/// A contiguous piece of one page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSlice {
    /// The page.
    pub page: PageIndex,
    /// Byte offset inside the page.
    pub offset: u32,
    /// Length in bytes.
    pub len: u32,
}

/// The page slices that cover `len` bytes at storage `offset`, in order.
///
/// ```
/// use svm_storage::{page_slices, PageIndex, PageSlice};
/// let s: Vec<_> = page_slices(6, 8, 10).collect();
/// assert_eq!(s, vec![
///     PageSlice { page: PageIndex(0), offset: 6, len: 4 },
///     PageSlice { page: PageIndex(1), offset: 0, len: 4 },
/// ]);
/// ```
pub fn page_slices(offset: u32, len: u32, page_size: u32) -> impl Iterator<Item = PageSlice> {
    let start = u64::from(offset);
    let end = start + u64::from(len);
    let ps = u64::from(page_size.max(1));
    let mut pos = start;
    std::iter::from_fn(move || {
        if pos >= end {
            return None;
        }
        let page = pos / ps;
        let in_page = pos % ps;
        let take = (ps - in_page).min(end - pos);
        pos += take;
        // Callers check the range first (end <= u32::MAX), so `page` fits a u32; saturate
        // rather than panic if one does not.
        Some(PageSlice {
            page: PageIndex(u32::try_from(page).unwrap_or(u32::MAX)),
            offset: in_page as u32,
            len: take as u32,
        })
    })
}
