//! Register banks: ephemeral fixed-size buffers for a running svm contract.
//!
//! A contract addresses a register by bank width in bits and index, e.g. register 1 of the
//! 160-bit bank holds an address. [`Registers::new`] gives the default banks (16 x 32, 16 x 64,
//! 8 x 160, 4 x 256, 4 x 512 bits); the runtime creates a fresh set for every call.
//!
//! ```
//! use svm_registers::{RegisterError, Registers};
//! let mut regs = Registers::new();
//! regs.set(256, 3, &[7; 32])?;
//! assert_eq!(regs.get(256, 3)?, &[7; 32]);
//! assert_eq!(regs.get(128, 0), Err(RegisterError::UnknownBank { bits: 128 }));
//! # Ok::<(), RegisterError>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(not(test), warn(unused_crate_dependencies))]

mod bank;

pub use bank::Bank;

/// The default banks: (bits, count).
pub const DEFAULT_BANKS: [(u32, u32); 5] = [(32, 16), (64, 16), (160, 8), (256, 4), (512, 4)];

/// A bad register access. Every variant is a contract's fault; the runtime turns it into a
/// trap.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegisterError {
    /// No bank of that width.
    #[error("no {bits}-bit register bank")]
    UnknownBank {
        /// Width asked for.
        bits: u32,
    },
    /// The index is past the bank's last register.
    #[error("register {index} does not exist in the {bits}-bit bank ({count} registers)")]
    IndexOutOfRange {
        /// Bank width.
        bits: u32,
        /// Index asked for.
        index: u32,
        /// Registers in the bank.
        count: u32,
    },
    /// The data is longer than the register.
    #[error("{len} bytes do not fit a {bits}-bit register")]
    TooLong {
        /// Bank width.
        bits: u32,
        /// Bytes given.
        len: usize,
    },
    /// A bank width that is not a positive multiple of 8 (configuration error).
    #[error("invalid register width {bits} bits")]
    InvalidWidth {
        /// Width given.
        bits: u32,
    },
    /// Two banks of the same width (configuration error).
    #[error("two {bits}-bit register banks")]
    DuplicateBank {
        /// Width given twice.
        bits: u32,
    },
}

/// A set of register banks, one per width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registers {
    banks: Vec<Bank>,
}

impl Default for Registers {
    fn default() -> Self {
        Self::new()
    }
}

impl Registers {
    /// The default banks ([`DEFAULT_BANKS`]), zeroed.
    pub fn new() -> Self {
        Self {
            banks: DEFAULT_BANKS
                .iter()
                .filter_map(|&(bits, count)| Bank::new(bits, count).ok())
                .collect(),
        }
    }

    /// Banks of the given `(bits, count)` pairs, zeroed.
    pub fn with_banks(layout: &[(u32, u32)]) -> Result<Self, RegisterError> {
        let mut banks: Vec<Bank> = Vec::with_capacity(layout.len());
        for &(bits, count) in layout {
            if banks.iter().any(|b| b.bits() == bits) {
                return Err(RegisterError::DuplicateBank { bits });
            }
            banks.push(Bank::new(bits, count)?);
        }
        Ok(Self { banks })
    }

    /// The bank of `bits`-bit registers.
    pub fn bank(&self, bits: u32) -> Result<&Bank, RegisterError> {
        self.banks
            .iter()
            .find(|b| b.bits() == bits)
            .ok_or(RegisterError::UnknownBank { bits })
    }

    fn bank_mut(&mut self, bits: u32) -> Result<&mut Bank, RegisterError> {
        self.banks
            .iter_mut()
            .find(|b| b.bits() == bits)
            .ok_or(RegisterError::UnknownBank { bits })
    }

    /// The content of register `index` of the `bits`-bit bank (always the full width).
    pub fn get(&self, bits: u32, index: u32) -> Result<&[u8], RegisterError> {
        self.bank(bits)?.get(index)
    }

    /// Writes `data` into register `index` of the `bits`-bit bank, zero-padded to the width.
    pub fn set(&mut self, bits: u32, index: u32, data: &[u8]) -> Result<(), RegisterError> {
        self.bank_mut(bits)?.set(index, data)
    }

    /// Copies register `src` of bank `src_bits` into register `dst` of bank `dst_bits`; the
    /// source must fit the destination (a wider source is [`RegisterError::TooLong`]).
    pub fn copy(
        &mut self,
        src_bits: u32,
        src: u32,
        dst_bits: u32,
        dst: u32,
    ) -> Result<(), RegisterError> {
        let data = self.get(src_bits, src)?.to_vec();
        self.set(dst_bits, dst, &data)
    }

    /// Zeroes every register of every bank.
    pub fn clear(&mut self) {
        self.banks.iter_mut().for_each(Bank::clear);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn default_banks_are_the_seed_layout() {
        let regs = Registers::new();
        for (bits, count) in DEFAULT_BANKS {
            let bank = regs.bank(bits).unwrap();
            assert_eq!((bank.bits(), bank.count()), (bits, count));
            for i in 0..count {
                assert_eq!(regs.get(bits, i).unwrap(), vec![0; bits as usize / 8]);
            }
            assert_eq!(
                regs.get(bits, count),
                Err(RegisterError::IndexOutOfRange {
                    bits,
                    index: count,
                    count
                })
            );
        }
    }

    #[test]
    fn short_writes_are_zero_padded_and_overwrite_fully() {
        let mut regs = Registers::new();
        regs.set(160, 7, &[0xFF; 20]).unwrap();
        regs.set(160, 7, &[1, 2, 3]).unwrap();
        let mut expected = vec![0u8; 20];
        expected[..3].copy_from_slice(&[1, 2, 3]);
        assert_eq!(regs.get(160, 7).unwrap(), expected.as_slice());
        regs.set(160, 7, &[]).unwrap();
        assert_eq!(regs.get(160, 7).unwrap(), &[0; 20]);
    }

    #[test]
    fn errors_name_the_problem() {
        let mut regs = Registers::new();
        assert_eq!(
            regs.set(32, 0, &[0; 5]).unwrap_err().to_string(),
            "5 bytes do not fit a 32-bit register"
        );
        assert_eq!(
            regs.set(512, 4, &[]).unwrap_err().to_string(),
            "register 4 does not exist in the 512-bit bank (4 registers)"
        );
        assert_eq!(
            regs.get(0, 0).unwrap_err().to_string(),
            "no 0-bit register bank"
        );
        assert!(matches!(
            regs.copy(256, 0, 64, 0),
            Err(RegisterError::TooLong { .. })
        ));
        regs.set(64, 1, &[9; 8]).unwrap();
        regs.copy(64, 1, 256, 2).unwrap();
        assert_eq!(
            &regs.get(256, 2).unwrap()[..9],
            &[9, 9, 9, 9, 9, 9, 9, 9, 0]
        );
        assert!(Registers::with_banks(&[(12, 1)]).is_err());
        assert!(Registers::with_banks(&[(32, 1), (32, 2)]).is_err());
        regs.clear();
        assert_eq!(regs, Registers::new());
    }

    proptest! {
        #[test]
        fn any_access_is_ok_or_an_error(bits in 0u32..600, index in 0u32..40, len in 0usize..80) {
            let mut regs = Registers::new();
            let data = vec![0xA5; len];
            match regs.set(bits, index, &data) {
                Ok(()) => {
                    let got = regs.get(bits, index).unwrap();
                    prop_assert_eq!(&got[..len], data.as_slice());
                    prop_assert!(got[len..].iter().all(|b| *b == 0));
                }
                Err(_) => prop_assert!(regs.get(bits, index).is_err() || len > bits as usize / 8),
            }
        }
    }
}

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
