//! The `fork_choice` format (SSF): an anchor state and `steps.yaml`, a list of
//! `{tick: slot}`, `{block: name, valid}`, `{vote: name, valid}`, `{certificate: name, valid}`
//! and `{checks: {head, justified_checkpoint, finalized_checkpoint}}`. [`Store`] is the model
//! both the generator and the runner step through: LMD-GHOST over imported blocks by latest
//! round-1 votes (`beacon/fork-choice`), as the node runs it.
use crate::generate::light_committee::check_certificate;
use rainbow_fork_choice::{on_imported_block, ForkChoice};
use rainbow_state_transition::helpers::{
    compute_epoch_at_slot, get_domain, get_seat_epoch, get_seats, SeatEpoch,
};
use rainbow_state_transition::per_block::{state_transition, BlockSignatureStrategy};
use rainbow_state_transition::{process_slots, ChainSpec, TransitionCaches};
use rainbow_types::constants::{DOMAIN_SSF_VOTE, SSF_ROUND_JUSTIFY};
use rainbow_types::tree_hash::TreeHash;
use rainbow_types::{
    compute_signing_root, BeaconState, Checkpoint, EthSpec, Gwei, HeavyOperatorIndex,
    LightCertificate, Root, SignedBeaconBlock, Slot, SsfVote,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One step of `steps.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum Step {
    /// The store's clock moves to the start of `tick` (a slot number).
    Tick { tick: Slot },
    /// `block_<name>.ssz_snappy`: a `SignedBeaconBlock`.
    Block { block: String, valid: bool },
    /// `vote_<name>.ssz_snappy`: an `SsfVote` (a single seat's vote).
    Vote { vote: String, valid: bool },
    /// `certificate_<name>.ssz_snappy`: a `LightCertificate`, checked against the committee of
    /// its slot on the state of the block it certifies.
    Certificate { certificate: String, valid: bool },
    /// What the store must hold now.
    Checks { checks: Checks },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checks {
    pub head: Checkpoint,
    pub justified_checkpoint: Checkpoint,
    pub finalized_checkpoint: Checkpoint,
}

/// The root of the block an anchor state is the post-state of (its latest header with the
/// state root filled in, as for the genesis block).
pub fn anchor_root<E: EthSpec>(state: &BeaconState<E>) -> Root {
    let mut header = state.latest_block_header;
    if header.state_root == Root::ZERO {
        let mut s = state.clone();
        header.state_root = s.canonical_root().unwrap_or_default();
    }
    header.tree_hash_root()
}

/// The store a `fork_choice` case steps through.
#[derive(Debug)]
pub struct Store<E: EthSpec> {
    pub spec: ChainSpec,
    fork_choice: ForkChoice,
    states: HashMap<Root, BeaconState<E>>,
    head: Root,
    time: Slot,
    caches: TransitionCaches,
}

impl<E: EthSpec> Store<E> {
    pub fn new(anchor: BeaconState<E>, spec: ChainSpec) -> Self {
        let root = anchor_root(&anchor);
        let slot = anchor.slot;
        Self {
            spec,
            fork_choice: ForkChoice::new(root, slot),
            states: HashMap::from([(root, anchor)]),
            head: root,
            time: slot,
            caches: TransitionCaches::new(),
        }
    }

    pub fn on_tick(&mut self, slot: Slot) {
        self.time = self.time.max(slot);
    }

    /// Seat stakes of the current head state's epoch: the weights of votes.
    fn weights(&self) -> HashMap<HeavyOperatorIndex, Gwei> {
        self.states
            .get(&self.head)
            .map(|s| {
                get_seats(s, SeatEpoch::Current)
                    .iter()
                    .map(|s| (s.operator_index, s.stake))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn update_head(&mut self) -> Result<(), String> {
        self.head = self.fork_choice.get_head(&self.weights()).map_err(|e| e.to_string())?;
        Ok(())
    }

    /// Imports a block: not from the future, parent known, full state transition with every
    /// signature and the state root; its round-1 aggregates count as votes.
    pub fn on_block(&mut self, block: &SignedBeaconBlock<E>) -> Result<(), String> {
        let slot = block.message.slot;
        if slot > self.time {
            return Err(format!("block at slot {slot} before its slot (time {})", self.time));
        }
        let parent = block.message.parent_root;
        let mut state = self.states.get(&parent).cloned().ok_or("unknown parent")?;
        state_transition(
            &mut state,
            block,
            BlockSignatureStrategy::VerifyBulk,
            true,
            &self.spec,
            &mut self.caches,
        )
        .map_err(|e| format!("{e:?}"))?;
        let root = block.message.tree_hash_root();
        on_imported_block(&mut self.fork_choice, root, &block.message, &state, &self.spec)
            .map_err(|e| e.to_string())?;
        self.states.insert(root, state);
        self.update_head()
    }

    /// A single seat's round-1 vote: its block known, not from the future, the seat held in
    /// the vote's epoch, the signature valid.
    pub fn on_vote(&mut self, vote: &SsfVote) -> Result<(), String> {
        let data = &vote.data;
        if data.round != SSF_ROUND_JUSTIFY {
            return Err("only round-1 votes count for fork choice".into());
        }
        if data.slot > self.time {
            return Err(format!("vote for slot {} before its slot", data.slot));
        }
        let mut state =
            self.states.get(&data.head_root).cloned().ok_or("vote for an unknown block")?;
        if data.slot > state.slot {
            process_slots(&mut state, data.slot, &self.spec).map_err(|e| e.to_string())?;
        }
        let epoch = compute_epoch_at_slot(data.slot, &self.spec);
        let which =
            get_seat_epoch(&state, epoch, &self.spec).ok_or("no seats for the vote's epoch")?;
        if !get_seats(&state, which).iter().any(|s| s.operator_index == vote.operator_index) {
            return Err(format!("operator {} holds no seat", vote.operator_index));
        }
        let operator = usize::try_from(vote.operator_index).map_err(|e| e.to_string())?;
        let pubkey = state.heavy_operators.get(operator).ok_or("unknown operator")?.pubkey;
        let key = pubkey.decompress().map_err(|e| e.to_string())?;
        let signature = vote.signature.decompress().map_err(|e| e.to_string())?;
        let root = compute_signing_root(data, get_domain(&state, DOMAIN_SSF_VOTE, epoch));
        if !signature.verify(&key, root.as_slice()) {
            return Err("bad signature".into());
        }
        self.fork_choice
            .on_vote(vote.operator_index, data.slot, data.head_root)
            .map_err(|e| e.to_string())?;
        self.update_head()
    }

    /// A certificate on a block the store holds, checked against its slot's committee.
    pub fn on_certificate(&mut self, certificate: &LightCertificate<E>) -> Result<(), String> {
        let mut state = self
            .states
            .get(&certificate.parent_root)
            .cloned()
            .ok_or("certificate on an unknown block")?;
        if certificate.slot > state.slot {
            process_slots(&mut state, certificate.slot, &self.spec).map_err(|e| e.to_string())?;
        }
        check_certificate(&state, certificate)
    }

    pub fn checks(&self) -> Checks {
        let slot = self.fork_choice.node(&self.head).map(|n| n.slot).unwrap_or_default();
        Checks {
            head: Checkpoint { slot, root: self.head },
            justified_checkpoint: self.fork_choice.justified(),
            finalized_checkpoint: self.fork_choice.finalized(),
        }
    }
}
