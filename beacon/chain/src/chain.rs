//! `BeaconChain`: the store, fork choice, hot states and the head.
use crate::errors::{BlockError, ChainError};
use crate::pools::OperationPools;
use rainbow_execution::{AddressIndex, Mempool, MempoolConfig, ReadLedger};
use rainbow_fork_choice::{on_imported_block, ForkChoice};
use rainbow_state_transition::helpers::{compute_epoch_at_slot, get_seats, SeatEpoch};
use rainbow_state_transition::{
    process_slots, state_transition, BlockOutcome, BlockSignatureStrategy, ChainSpec,
    TransitionCaches,
};
use rainbow_store::{Batch, BeaconStore, Column, StoredMeta};
use rainbow_types::tree_hash::TreeHash;
use rainbow_types::{
    BeaconState, Checkpoint, EthSpec, Gwei, HeavyOperatorIndex, Root, SignedBeaconBlock,
    SignedBeaconBlockHeader, Slot,
};
use std::collections::{BTreeMap, HashMap};
use tracing::{debug, info};

/// What importing a block did.
#[derive(Debug, Clone)]
pub struct ImportedBlock {
    pub root: Root,
    pub slot: Slot,
    pub outcome: BlockOutcome,
    /// The head after the import (the block itself when it became the head).
    pub head_root: Root,
    pub head_changed: bool,
    /// The new finalized checkpoint, when the import moved it.
    pub finalized: Option<Checkpoint>,
    pub justified: Checkpoint,
}

#[derive(Debug)]
pub struct BeaconChain<E: EthSpec> {
    pub spec: ChainSpec,
    pub store: BeaconStore<E>,
    pub fork_choice: ForkChoice,
    /// Post-states of the blocks in fork choice that were imported or rebuilt this run.
    states: HashMap<Root, BeaconState<E>>,
    pub caches: TransitionCaches,
    pub head_root: Root,
    /// The head block's post-state (at the head block's slot).
    pub head_state: BeaconState<E>,
    pub genesis_block_root: Root,
    pub genesis_validators_root: Root,
    pub genesis_time: u64,
    pub pools: OperationPools<E>,
    pub mempool: Mempool,
    /// The address index of the head state's accounts, for the mempool: rebuilt when the head's
    /// accounts change (about once a block), not for every gossiped transaction.
    pub(crate) head_accounts_index: AddressIndex,
    /// The head state advanced to a slot, keyed by `(head_root, slot)`: gossip validation needs
    /// it for every message, and `process_slots` (an epoch transition at a boundary) should run
    /// once per head and slot, not once per message.
    advanced: Option<(Root, Slot, BeaconState<E>)>,
    /// The header of the first block imported for each recent `(slot, proposer)`: gossip takes
    /// no second one, and turns it into `ProposerSlashing` evidence (docs/spec/p2p-interface.md).
    pub(crate) seen_proposals: BTreeMap<(Slot, HeavyOperatorIndex), SignedBeaconBlockHeader>,
}

/// The root of the genesis block: the state's latest header with its state root filled in.
pub fn genesis_block_root<E: EthSpec>(genesis: &BeaconState<E>) -> Result<Root, ChainError> {
    let mut state = genesis.clone();
    let mut header = state.latest_block_header;
    header.state_root = state
        .canonical_root()
        .map_err(|e| ChainError::Replay { root: Root::ZERO, reason: format!("{e:?}") })?;
    Ok(header.tree_hash_root())
}

impl<E: EthSpec> BeaconChain<E> {
    /// Opens the chain on `store`: a new store is initialised from `genesis`; a store that holds
    /// a chain resumes it (its finalized chain, fork choice and pools).
    pub fn open(
        store: BeaconStore<E>,
        genesis: BeaconState<E>,
        spec: ChainSpec,
    ) -> Result<Self, ChainError> {
        let genesis_root = genesis_block_root(&genesis)?;
        let genesis_validators_root = genesis.genesis_validators_root;
        let genesis_time = genesis.genesis_time;
        let (fork_choice, resumed) = match store.get_meta()? {
            None => {
                let mut batch = Batch::new();
                BeaconStore::put_state(&mut batch, genesis_root, &genesis);
                BeaconStore::<E>::put_finalized_index(&mut batch, genesis.slot, genesis_root);
                let checkpoint = Checkpoint { slot: genesis.slot, root: genesis_root };
                BeaconStore::<E>::put_meta(
                    &mut batch,
                    &StoredMeta {
                        genesis_block_root: genesis_root,
                        genesis_validators_root,
                        head_root: genesis_root,
                        justified: checkpoint,
                        finalized: checkpoint,
                    },
                )?;
                let fc = ForkChoice::new(genesis_root, genesis.slot);
                BeaconStore::<E>::put_snapshot(&mut batch, Column::ForkChoice, fc.to_bytes());
                store.write(batch)?;
                (fc, false)
            }
            Some(meta) => {
                if meta.genesis_block_root != genesis_root {
                    return Err(ChainError::GenesisMismatch {
                        stored: meta.genesis_block_root,
                        ours: genesis_root,
                    });
                }
                let fc = store
                    .get_snapshot(Column::ForkChoice)?
                    .and_then(|bytes| ForkChoice::from_bytes(&bytes).ok())
                    .filter(|fc| fc.finalized().slot >= meta.finalized.slot)
                    .unwrap_or_else(|| ForkChoice::new(meta.finalized.root, meta.finalized.slot));
                (fc, true)
            }
        };
        let pools = store
            .get_snapshot(Column::OpPool)?
            .and_then(|bytes| OperationPools::from_bytes(&bytes).ok())
            .unwrap_or_default();
        let mut chain = Self {
            spec,
            store,
            fork_choice,
            states: HashMap::new(),
            caches: TransitionCaches::new(),
            head_accounts_index: AddressIndex::new(),
            head_root: genesis_root,
            head_state: genesis.clone(),
            genesis_block_root: genesis_root,
            genesis_validators_root,
            genesis_time,
            pools,
            mempool: Mempool::new(MempoolConfig::default()),
            advanced: None,
            seen_proposals: BTreeMap::new(),
        };
        chain.states.insert(genesis_root, genesis);
        chain.recompute_head()?;
        if resumed {
            info!(
                head_slot = chain.head_state.slot,
                finalized_slot = chain.fork_choice.finalized().slot,
                blocks = chain.fork_choice.len(),
                "resumed the chain from the store"
            );
        }
        Ok(chain)
    }

    pub fn finalized(&self) -> Checkpoint {
        self.fork_choice.finalized()
    }

    pub fn justified(&self) -> Checkpoint {
        self.fork_choice.justified()
    }

    pub fn head_slot(&self) -> Slot {
        self.head_state.slot
    }

    /// The post-state of block `root`: from memory, a stored snapshot, or by replaying stored
    /// blocks on the nearest stored ancestor snapshot.
    pub fn load_state(&mut self, root: &Root) -> Result<BeaconState<E>, ChainError> {
        if let Some(state) = self.states.get(root) {
            return Ok(state.clone());
        }
        let mut blocks = Vec::new();
        let mut cursor = *root;
        let mut state = loop {
            if let Some(state) = self.states.get(&cursor) {
                break state.clone();
            }
            if let Some(state) = self.store.get_state(&cursor)? {
                break state;
            }
            let block = self.store.get_block(&cursor)?.ok_or(ChainError::MissingBlock(cursor))?;
            cursor = block.message.parent_root;
            blocks.push(block);
            if blocks.len() > 4096 {
                return Err(ChainError::Replay {
                    root: *root,
                    reason: "no snapshot within 4096 blocks".into(),
                });
            }
        };
        for block in blocks.iter().rev() {
            state_transition(
                &mut state,
                block,
                BlockSignatureStrategy::NoVerification,
                false,
                &self.spec,
                &mut self.caches,
            )
            .map_err(|e| ChainError::Replay { root: *root, reason: e.to_string() })?;
        }
        if self.fork_choice.contains(root) {
            self.states.insert(*root, state.clone());
        }
        Ok(state)
    }

    /// The post-state of block `root` without touching the caches (for readers such as the
    /// HTTP API): memory, a stored snapshot, or a replay with scratch caches. `None` when the
    /// block is unknown.
    pub fn load_state_readonly(&self, root: &Root) -> Result<Option<BeaconState<E>>, ChainError> {
        if let Some(state) = self.states.get(root) {
            return Ok(Some(state.clone()));
        }
        if let Some(state) = self.store.get_state(root)? {
            return Ok(Some(state));
        }
        if !self.store.has_block(root)? {
            return Ok(None);
        }
        let mut scratch = Self {
            spec: self.spec.clone(),
            store: self.store.clone(),
            fork_choice: ForkChoice::new(*root, 0),
            states: HashMap::new(),
            caches: TransitionCaches::new(),
            head_accounts_index: AddressIndex::new(),
            head_root: self.head_root,
            head_state: self.head_state.clone(),
            genesis_block_root: self.genesis_block_root,
            genesis_validators_root: self.genesis_validators_root,
            genesis_time: self.genesis_time,
            pools: OperationPools::default(),
            mempool: Mempool::new(MempoolConfig::default()),
            advanced: None,
            seen_proposals: BTreeMap::new(),
        };
        scratch.load_state(root).map(Some)
    }

    /// The head state advanced to `slot`, computed once per `(head, slot)` and then cloned (a
    /// cheap, structurally shared copy).
    pub fn state_at_slot_cached(&mut self, slot: Slot) -> Result<BeaconState<E>, ChainError> {
        if let Some((root, at, state)) = &self.advanced {
            if *root == self.head_root && *at == slot {
                return Ok(state.clone());
            }
        }
        let state = self.state_at_slot(slot)?;
        self.advanced = Some((self.head_root, slot, state.clone()));
        Ok(state)
    }

    /// The head state advanced (on a copy) to `slot`.
    pub fn state_at_slot(&self, slot: Slot) -> Result<BeaconState<E>, ChainError> {
        let mut state = self.head_state.clone();
        if slot > state.slot {
            process_slots(&mut state, slot, &self.spec)
                .map_err(|e| ChainError::Replay { root: self.head_root, reason: e.to_string() })?;
        }
        Ok(state)
    }

    /// Seat stakes of the head's current epoch: the weights of fork-choice votes.
    fn vote_weights(&self) -> HashMap<HeavyOperatorIndex, Gwei> {
        get_seats(&self.head_state, SeatEpoch::Current)
            .iter()
            .map(|s| (s.operator_index, s.stake))
            .collect()
    }

    /// Runs LMD-GHOST and loads the head state. Returns whether the head changed.
    pub fn recompute_head(&mut self) -> Result<bool, ChainError> {
        let head = self.fork_choice.get_head(&self.vote_weights())?;
        if head == self.head_root && self.head_state.slot > 0 {
            return Ok(false);
        }
        let state = self.load_state(&head)?;
        let changed = head != self.head_root;
        self.head_root = head;
        self.head_state = state;
        if changed {
            let mut accounts = self.head_state.accounts.clone();
            if self.head_accounts_index.sync(&mut accounts).is_ok() {
                self.mempool.prune(&ReadLedger::new(&accounts, &self.head_accounts_index));
            }
        }
        Ok(changed)
    }

    /// Round-1 votes feed fork choice (votes for blocks it does not hold are dropped).
    pub fn apply_fork_choice_vote(&mut self, operator: HeavyOperatorIndex, slot: Slot, root: Root) {
        if let Err(e) = self.fork_choice.on_vote(operator, slot, root) {
            debug!(operator, slot, %root, error = %e, "vote not counted by fork choice");
        }
    }

    /// Imports a block whose signatures have not been checked: full state transition with batch
    /// signature verification and state-root check, then store, fork choice and head.
    pub fn import_block(
        &mut self,
        block: &SignedBeaconBlock<E>,
    ) -> Result<ImportedBlock, BlockError> {
        let root = block.message.tree_hash_root();
        let slot = block.message.slot;
        if self.fork_choice.contains(&root) {
            return Err(BlockError::AlreadyKnown(root));
        }
        let finalized = self.finalized();
        if slot <= finalized.slot {
            return Err(BlockError::BeforeFinalized { root, slot, finalized_slot: finalized.slot });
        }
        let parent = block.message.parent_root;
        if !self.fork_choice.contains(&parent) {
            return Err(BlockError::UnknownParent { root, parent });
        }
        let mut state = self.load_state(&parent)?;
        let parent_epoch = compute_epoch_at_slot(state.slot, &self.spec);
        let outcome = state_transition(
            &mut state,
            block,
            BlockSignatureStrategy::VerifyBulk,
            true,
            &self.spec,
            &mut self.caches,
        )
        .map_err(|reason| BlockError::Invalid { root, reason })?;
        self.note_proposal(block);

        let mut batch = Batch::new();
        BeaconStore::put_block(&mut batch, root, block);
        if compute_epoch_at_slot(slot, &self.spec) != parent_epoch {
            BeaconStore::put_state(&mut batch, root, &state);
        }
        let refused =
            on_imported_block(&mut self.fork_choice, root, &block.message, &state, &self.spec)
                .map_err(ChainError::from)?;
        if refused > 0 {
            debug!(%root, refused, "block's round-1 votes not counted by fork choice");
        }
        self.states.insert(root, state);
        let old_head = self.head_root;
        self.recompute_head()?;
        let new_finalized = self.finalized();
        let finalized_moved = new_finalized != finalized;
        if finalized_moved {
            self.on_finalized(&mut batch, finalized)?;
        }
        self.pools.on_block(&block.message);
        self.persist(&mut batch)?;
        self.store.write(batch).map_err(ChainError::from)?;
        Ok(ImportedBlock {
            root,
            slot,
            outcome,
            head_root: self.head_root,
            head_changed: self.head_root != old_head,
            finalized: finalized_moved.then_some(new_finalized),
            justified: self.justified(),
        })
    }

    /// Remembers the header of the first block imported for its `(slot, proposer)` (and forgets
    /// those older than the pools keep).
    fn note_proposal(&mut self, block: &SignedBeaconBlock<E>) {
        let header = SignedBeaconBlockHeader {
            message: block.message.to_header(),
            signature: block.signature,
        };
        let slot = block.message.slot;
        self.seen_proposals.entry((slot, block.message.proposer_index)).or_insert(header);
        let oldest = slot.saturating_sub(crate::pools::POOL_RETENTION_SLOTS);
        self.seen_proposals.retain(|(s, _), _| *s >= oldest);
    }

    /// Adds the meta record and the fork-choice and pool snapshots to `batch`.
    pub fn persist(&self, batch: &mut Batch) -> Result<(), ChainError> {
        BeaconStore::<E>::put_meta(
            batch,
            &StoredMeta {
                genesis_block_root: self.genesis_block_root,
                genesis_validators_root: self.genesis_validators_root,
                head_root: self.head_root,
                justified: self.justified(),
                finalized: self.finalized(),
            },
        )?;
        BeaconStore::<E>::put_snapshot(batch, Column::ForkChoice, self.fork_choice.to_bytes());
        BeaconStore::<E>::put_snapshot(batch, Column::OpPool, self.pools.to_bytes());
        Ok(())
    }

    /// The finalized checkpoint moved past `previous`: index the newly finalized blocks, keep a
    /// snapshot of the finalized state, and prune fork choice and hot states.
    fn on_finalized(&mut self, batch: &mut Batch, previous: Checkpoint) -> Result<(), ChainError> {
        let finalized = self.finalized();
        let mut cursor = Some(finalized.root);
        while let Some(root) = cursor {
            let Some(node) = self.fork_choice.node(&root).copied() else { break };
            if node.slot <= previous.slot {
                break;
            }
            BeaconStore::<E>::put_finalized_index(batch, node.slot, root);
            cursor = node.parent;
        }
        let state = self.load_state(&finalized.root)?;
        BeaconStore::put_state(batch, finalized.root, &state);
        let dropped = self.fork_choice.prune();
        for root in &dropped {
            self.states.remove(root);
        }
        // Keep snapshots only where replay starts: the finalized state; drop older hot ones.
        if previous.root != finalized.root && previous.root != self.genesis_block_root {
            BeaconStore::<E>::delete_state(batch, previous.root);
        }
        info!(slot = finalized.slot, root = %finalized.root, pruned = dropped.len(), "finalized");
        Ok(())
    }

    /// Blocks of the canonical chain (finalized index, then the head's ancestry) with slots in
    /// `[start, start + count)`, ascending.
    pub fn blocks_by_range(
        &self,
        start: Slot,
        count: u64,
    ) -> Result<Vec<SignedBeaconBlock<E>>, ChainError> {
        let end = start.saturating_add(count);
        let mut roots = Vec::new();
        let finalized = self.finalized();
        if start <= finalized.slot {
            for slot in start..end.min(finalized.slot.saturating_add(1)) {
                if let Some(root) = self.store.finalized_root_at(slot)? {
                    roots.push(root);
                }
            }
        }
        let mut hot = Vec::new();
        let mut cursor = Some(self.head_root);
        while let Some(root) = cursor {
            let Some(node) = self.fork_choice.node(&root) else { break };
            if node.slot <= finalized.slot {
                break;
            }
            if node.slot >= start && node.slot < end {
                hot.push(root);
            }
            cursor = node.parent;
        }
        roots.extend(hot.into_iter().rev());
        let mut blocks = Vec::new();
        for root in roots {
            if let Some(block) = self.store.get_block(&root)? {
                blocks.push(block);
            }
        }
        Ok(blocks)
    }

    /// The block root of the canonical chain at `slot` (`None` for an empty slot).
    pub fn canonical_root_at(&self, slot: Slot) -> Result<Option<Root>, ChainError> {
        if slot <= self.finalized().slot {
            return Ok(self.store.finalized_root_at(slot)?);
        }
        let root = self.fork_choice.ancestor_at_slot(&self.head_root, slot);
        Ok(root.filter(|r| self.fork_choice.node(r).is_some_and(|n| n.slot == slot)))
    }
}
