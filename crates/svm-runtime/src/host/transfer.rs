//! Coin transfers: only ever out of the executing account.
//!
//! | function | signature | effect |
//! |---|---|---|
//! | `svm_transfer` | `(dst_ptr i32, amount i64)` | moves `amount` (u64) from the executing account to the 20-byte address at `dst_ptr`; an address without an account gets a template-less one (charged as an account creation); a transfer of 0 changes nothing |

use svm_storage::WorldState;
use svm_types::{Address, Amount};
use wasmer::{FunctionEnv, FunctionEnvMut, RuntimeError};

use super::{HostEnv, HostResult, add, env::read_bytes, run};

/// Moves `amount` from the executing account to `to`, recording both as touched.
/// Moves `amount` from the executing account to `to`, after the transfer price was charged:
/// charges the recipient's cold touch and, the first time this transaction changes the
/// recipient's record, its rewrite at commit (`account_write`) or, when it has no account
/// yet, its creation (`account_create`). A transfer of 0 changes nothing (so it creates no
/// account).
pub(super) fn transfer<S: WorldState + Send + 'static>(
    env: &mut HostEnv<S>,
    store: &mut impl wasmer::AsStoreMut,
    to: Address,
    amount: u64,
) -> HostResult<()> {
    let from = env.account;
    env.touch_account(store, &to)?;
    if amount == 0 {
        return Ok(());
    }
    if !env.dirty_accounts.contains(&to) {
        let exists = env.with_state(|state, _, _| state.account(&to))?.is_some();
        let cost = if exists {
            env.costs.account_write
        } else {
            env.costs.account_create
        };
        env.charge(store, cost)?;
        env.dirty_accounts.insert(to);
    }
    env.touch(from)?;
    env.touch(to)?;
    env.with_state(|state, _, _| {
        state.decrease_balance(&from, Amount(amount))?;
        state.increase_balance(&to, Amount(amount))
    })
}

fn svm_transfer<S: WorldState + Send + 'static>(
    mut env: FunctionEnvMut<HostEnv<S>>,
    dst_ptr: i32,
    amount: i64,
) -> Result<(), RuntimeError> {
    run(&mut env, |env, store| {
        env.writable("a transfer")?;
        env.charge(store, env.costs.transfer)?;
        let bytes = read_bytes(&env.view(store)?, dst_ptr, 20)?;
        let to =
            Address::from_slice(&bytes).map_err(|_| super::HostError::Internal("20 bytes read"))?;
        transfer(env, store, to, amount as u64)
    })
}

pub(super) fn register<S: WorldState + Send + 'static>(
    reg: &mut super::Registrar<'_>,
    env: &FunctionEnv<HostEnv<S>>,
) {
    add!(reg, env, "svm_transfer", svm_transfer::<S>);
}
