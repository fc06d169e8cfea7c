//! [`Bank`]: registers of one width.

use crate::RegisterError;

/// `count` registers of `bits` bits each, stored contiguously and zeroed at creation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bank {
    bits: u32,
    count: u32,
    bytes: Vec<u8>,
}

impl Bank {
    /// A zeroed bank. `bits` must be a positive multiple of 8.
    pub fn new(bits: u32, count: u32) -> Result<Self, RegisterError> {
        if bits == 0 || !bits.is_multiple_of(8) {
            return Err(RegisterError::InvalidWidth { bits });
        }
        let len = (bits / 8) as usize * count as usize;
        Ok(Self {
            bits,
            count,
            bytes: vec![0; len],
        })
    }

    /// Register width in bits.
    pub fn bits(&self) -> u32 {
        self.bits
    }

    /// Register width in bytes.
    pub fn width(&self) -> usize {
        (self.bits / 8) as usize
    }

    /// Number of registers.
    pub fn count(&self) -> u32 {
        self.count
    }

    fn range(&self, index: u32) -> Result<std::ops::Range<usize>, RegisterError> {
        if index >= self.count {
            return Err(RegisterError::IndexOutOfRange {
                bits: self.bits,
                index,
                count: self.count,
            });
        }
        let start = index as usize * self.width();
        Ok(start..start + self.width())
    }

    /// The full content of register `index`.
    pub fn get(&self, index: u32) -> Result<&[u8], RegisterError> {
        let r = self.range(index)?;
        Ok(&self.bytes[r])
    }

    /// Writes `data` into register `index`, zero-padding it to the register width.
    pub fn set(&mut self, index: u32, data: &[u8]) -> Result<(), RegisterError> {
        let width = self.width();
        if data.len() > width {
            return Err(RegisterError::TooLong {
                bits: self.bits,
                len: data.len(),
            });
        }
        let r = self.range(index)?;
        let reg = &mut self.bytes[r];
        reg[..data.len()].copy_from_slice(data);
        reg[data.len()..].fill(0);
        Ok(())
    }

    /// Zeroes every register.
    pub fn clear(&mut self) {
        self.bytes.fill(0);
    }
}
