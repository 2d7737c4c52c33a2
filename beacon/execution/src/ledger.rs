//! Account access: a read view, a writable store over the beacon state's `accounts` list, and an
//! overlay for simulation (payload building, inclusion-list checks) that never touches the base.
use crate::LedgerError;
use alloy_primitives::Address;
use rainbow_types::constants::AccountLimit;
use rainbow_types::milhouse::List;
use rainbow_types::tree_hash::TreeHash;
use rainbow_types::{Account, Gwei, B256};
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

/// Address → position in the `accounts` list, for one particular list.
///
/// The index remembers the `hash_tree_root` of the list it describes. [`AddressIndex::sync`]
/// rebuilds it whenever it is handed a list with another root (another fork's state, an older
/// state), so a stale index can never misread a balance. Along one chain the cost is paid once:
/// a [`Ledger`] keeps the index current as it appends accounts, and [`Ledger::finish`] records
/// the new root.
#[derive(Debug, Clone, Default)]
pub struct AddressIndex {
    positions: HashMap<Address, usize>,
    indexed: usize,
    root: Option<B256>,
}

impl AddressIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes the index describe `accounts` (flushing the list's pending updates to hash it).
    pub fn sync(&mut self, accounts: &mut List<Account, AccountLimit>) -> Result<(), LedgerError> {
        accounts.apply_updates().map_err(|e| LedgerError::Internal(format!("{e:?}")))?;
        let root = accounts.tree_hash_root();
        if self.root == Some(root) && self.indexed == accounts.len() {
            return Ok(());
        }
        *self = Self::default();
        for (position, account) in accounts.iter().enumerate() {
            self.positions.insert(account.address, position);
        }
        self.indexed = accounts.len();
        self.root = Some(root);
        Ok(())
    }

    pub fn position(&self, address: &Address) -> Option<usize> {
        self.positions.get(address).copied()
    }

    /// After a ledger's writes: the positions are current, only the root is missing.
    fn sync_after_writes(
        &mut self,
        accounts: &mut List<Account, AccountLimit>,
    ) -> Result<B256, LedgerError> {
        accounts.apply_updates().map_err(|e| LedgerError::Internal(format!("{e:?}")))?;
        let root = accounts.tree_hash_root();
        if self.indexed == accounts.len() {
            self.root = Some(root);
        } else {
            self.sync(accounts)?;
        }
        Ok(root)
    }

    /// Records an account appended at `position` by a [`Ledger`].
    fn appended(&mut self, address: Address, position: usize) {
        self.positions.insert(address, position);
        self.indexed = position.saturating_add(1);
        self.root = None;
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
    pub fn new(
        accounts: &'a mut List<Account, AccountLimit>,
        index: &'a mut AddressIndex,
    ) -> Result<Self, LedgerError> {
        index.sync(accounts)?;
        Ok(Self { accounts, index })
    }

    /// Flushes the list and records its root in the index, so the next [`Ledger::new`] or
    /// [`AddressIndex::sync`] on this list is free. Dropping a ledger without `finish` is safe: the
    /// index is then rebuilt on next use.
    pub fn finish(self) -> Result<B256, LedgerError> {
        self.index.sync_after_writes(self.accounts)
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
                let position = self.accounts.len();
                self.accounts
                    .push(Account { address, balance: state.balance, nonce: state.nonce })
                    .map_err(|_| LedgerError::RegistryFull)?;
                self.index.appended(address, position);
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
