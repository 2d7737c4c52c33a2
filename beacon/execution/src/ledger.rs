//! Account access: a read view, a writable store over the beacon state's `accounts` list, and an
//! overlay for simulation (payload building, inclusion-list checks) that never touches the base.
use crate::LedgerError;
use alloy_primitives::Address;
use rainbow_types::constants::AccountLimit;
use rainbow_types::milhouse::List;
use rainbow_types::{Account, Gwei};
use std::collections::HashMap;

/// Balance and nonce of an address; absent accounts read as zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AccountState {
    pub balance: Gwei,
    pub nonce: u64,
}

pub trait AccountView {
    fn account(&self, address: &Address) -> AccountState;
}

pub trait AccountStore: AccountView {
    /// Writes an account, creating it on first write.
    fn put(&mut self, address: Address, state: AccountState) -> Result<(), LedgerError>;
}

/// Address → position in the `accounts` list. Accounts are only ever appended, so the index
/// catches up by reading the entries added since it last looked.
#[derive(Debug, Clone, Default)]
pub struct AddressIndex {
    positions: HashMap<Address, usize>,
    indexed: usize,
}

impl AddressIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// Indexes entries appended since the last call. If the list is shorter than what was
    /// indexed (a different state), the index is rebuilt from scratch.
    pub fn sync(&mut self, accounts: &List<Account, AccountLimit>) {
        if accounts.len() < self.indexed {
            *self = Self::default();
        }
        if let Ok(iter) = accounts.iter_from(self.indexed) {
            for (offset, account) in iter.enumerate() {
                self.positions.insert(account.address, self.indexed.saturating_add(offset));
            }
        }
        self.indexed = accounts.len();
    }

    pub fn position(&self, address: &Address) -> Option<usize> {
        self.positions.get(address).copied()
    }
}

fn read(
    accounts: &List<Account, AccountLimit>,
    index: &AddressIndex,
    address: &Address,
) -> AccountState {
    index
        .position(address)
        .and_then(|i| accounts.get(i))
        .map(|a| AccountState { balance: a.balance, nonce: a.nonce })
        .unwrap_or_default()
}

/// Read-only access to a state's accounts.
#[derive(Debug, Clone, Copy)]
pub struct ReadLedger<'a> {
    accounts: &'a List<Account, AccountLimit>,
    index: &'a AddressIndex,
}

impl<'a> ReadLedger<'a> {
    /// `index` must have been synced with `accounts`.
    pub fn new(accounts: &'a List<Account, AccountLimit>, index: &'a AddressIndex) -> Self {
        Self { accounts, index }
    }
}

impl AccountView for ReadLedger<'_> {
    fn account(&self, address: &Address) -> AccountState {
        read(self.accounts, self.index, address)
    }
}

/// Writable access to a state's accounts.
#[derive(Debug)]
pub struct Ledger<'a> {
    accounts: &'a mut List<Account, AccountLimit>,
    index: &'a mut AddressIndex,
}

impl<'a> Ledger<'a> {
    /// Syncs `index` with `accounts` first.
    pub fn new(accounts: &'a mut List<Account, AccountLimit>, index: &'a mut AddressIndex) -> Self {
        index.sync(accounts);
        Self { accounts, index }
    }
}

impl AccountView for Ledger<'_> {
    fn account(&self, address: &Address) -> AccountState {
        read(self.accounts, self.index, address)
    }
}

impl AccountStore for Ledger<'_> {
    fn put(&mut self, address: Address, state: AccountState) -> Result<(), LedgerError> {
        match self.index.position(&address) {
            Some(i) => {
                let account = self.accounts.get_mut(i).ok_or_else(|| {
                    LedgerError::Internal(format!("index names missing account {i}"))
                })?;
                account.balance = state.balance;
                account.nonce = state.nonce;
            }
            None => {
                self.accounts
                    .push(Account { address, balance: state.balance, nonce: state.nonce })
                    .map_err(|_| LedgerError::RegistryFull)?;
                self.index.sync(self.accounts);
            }
        }
        Ok(())
    }
}

/// Changes on top of a read view, for simulation.
#[derive(Debug, Clone)]
pub struct Overlay<'v, V: AccountView> {
    base: &'v V,
    changes: HashMap<Address, AccountState>,
}

impl<'v, V: AccountView> Overlay<'v, V> {
    pub fn new(base: &'v V) -> Self {
        Self { base, changes: HashMap::new() }
    }
}

impl<V: AccountView> AccountView for Overlay<'_, V> {
    fn account(&self, address: &Address) -> AccountState {
        self.changes.get(address).copied().unwrap_or_else(|| self.base.account(address))
    }
}

impl<V: AccountView> AccountStore for Overlay<'_, V> {
    fn put(&mut self, address: Address, state: AccountState) -> Result<(), LedgerError> {
        self.changes.insert(address, state);
        Ok(())
    }
}
