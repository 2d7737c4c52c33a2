//! A chain harness for tests: a chain built from deterministic (interop) keys, kept in memory
//! (blocks and post-states by root), extended slot by slot with a [`Strategy`] that says who is
//! offline, who equivocates as proposer and who double-votes. Every block is imported with full
//! batch signature verification and state-root validation, and after every slot the harness
//! checks the supply invariant `get_total_supply(state) == genesis_supply + total_minted -
//! total_burned` (panicking with the numbers if it ever fails).
use alloy_primitives::Address;
use rainbow_crypto::{aggregate_signatures, interop_keypair, Keypair, Signature};
use rainbow_execution::{
    encode_transaction, interop_execution_key, sign_transaction, AddressIndex, ExecutionKey,
    Mempool, MempoolConfig, MempoolError, ReadLedger,
};
use rainbow_state_transition::block_production::{produce_block, BlockContents, ProducedBlock};
use rainbow_state_transition::helpers::{
    compute_epoch_at_slot, get_beacon_proposer_index, get_block_root_at_slot, get_current_epoch,
    get_domain, get_expected_supply, get_justified_checkpoint_at_slot, get_seat_epoch, get_seats,
    get_total_supply,
};
use rainbow_state_transition::light::get_light_committee;
use rainbow_state_transition::per_block::{is_slashable_ssf_vote_data, is_supermajority};
use rainbow_state_transition::{
    initialize_beacon_state_from_genesis, process_slots, state_transition, BlockOutcome,
    BlockProcessingError, BlockSignatureStrategy, ChainSpec, GenesisConfig,
    LightCertificateInvalid, TransitionCaches,
};
use rainbow_types::constants::{
    DOMAIN_BEACON_PROPOSER, DOMAIN_RANDAO, DOMAIN_SSF_VOTE, SSF_ROUND_FINALIZE, SSF_ROUND_JUSTIFY,
};
use rainbow_types::ssz_types::{BitList, VariableList};
use rainbow_types::tree_hash::TreeHash;
use rainbow_types::{
    compute_signing_root, BeaconBlock, BeaconState, Checkpoint, EthSpec, HeavyOperatorIndex,
    IndexedSsfVote, ProposerSlashing, PublicKeyBytes, Root, SignedBeaconBlock,
    SignedBeaconBlockHeader, Slot, SsfAggregate, SsfVoteData, Transaction, TransactionAction,
    TransactionMessage, VoteSlashing, B256,
};
use std::collections::{BTreeSet, HashMap};

pub mod light;

/// Who misbehaves in a slot.
#[derive(Debug, Clone, Default)]
pub struct Strategy {
    /// Heavy operators that neither propose nor vote.
    pub offline: BTreeSet<HeavyOperatorIndex>,
    /// The proposer also signs a second, different block for the slot (only the first is
    /// imported; the pair becomes slashing evidence for a later block).
    pub equivocating_proposer: bool,
    /// Operators that also sign a second, different round-1 vote for the slot (evidence for a
    /// later block).
    pub equivocating_voters: BTreeSet<HeavyOperatorIndex>,
    /// Light operators that neither list nor vote.
    pub light_offline: BTreeSet<rainbow_types::LightOperatorIndex>,
    /// Light operators that sign two different inclusion lists for their positions.
    pub light_equivocators: BTreeSet<rainbow_types::LightOperatorIndex>,
    /// Transactions a hostile member (the first online position of the committee) lists ahead
    /// of its view: what no honest mempool would hold. Honest members merge them as they merge
    /// any valid list.
    pub light_hostile_listed: Vec<Transaction>,
}

impl Strategy {
    pub fn honest() -> Self {
        Self::default()
    }

    pub fn offline(operators: impl IntoIterator<Item = HeavyOperatorIndex>) -> Self {
        Self { offline: operators.into_iter().collect(), ..Self::default() }
    }
}

/// What happened in one slot.
#[derive(Debug, Clone)]
pub struct SlotReport {
    pub slot: Slot,
    pub proposer: HeavyOperatorIndex,
    /// The imported block's root, or `None` for a missed slot.
    pub block_root: Option<Root>,
    pub outcome: Option<BlockOutcome>,
    /// Why the proposer could make no valid block (strong coupling without a certificate).
    pub refused: Option<BlockProcessingError>,
    pub justified: Checkpoint,
    pub finalized: Checkpoint,
}

/// The harness. `E` is the preset (tests use `MinimalEthSpec`).
#[derive(Debug)]
pub struct Harness<E: EthSpec> {
    pub spec: ChainSpec,
    pub caches: TransitionCaches,
    /// BLS keys by public key (every interop key handed to the chain).
    pub bls_keys: HashMap<PublicKeyBytes, Keypair>,
    pub mempool: Mempool,
    pub blocks: HashMap<Root, SignedBeaconBlock<E>>,
    pub states: HashMap<Root, BeaconState<E>>,
    pub head_root: Root,
    /// The head block's post-state (at the head block's slot).
    pub head_state: BeaconState<E>,
    /// The wall-clock slot: the last slot the harness advanced through.
    pub slot: Slot,
    /// Aggregates made by voters, waiting for a block.
    pub pending_aggregates: Vec<SsfAggregate<E>>,
    pub pending_proposer_slashings: Vec<ProposerSlashing>,
    pub pending_vote_slashings: Vec<VoteSlashing<E>>,
    pub pending_inclusion_list_equivocations: Vec<rainbow_types::InclusionListEquivocation>,
    /// The certificate the light committee made in the last slot, for the next block.
    pub pending_certificate: Option<light::PendingCertificate<E>>,
    /// How many states the supply invariant was checked on.
    pub supply_checks: u64,
    /// Every vote each operator signed through [`Harness::vote`]: an honest operator never
    /// signs a vote slashable against one of these (its slashing protection).
    pub signed_votes: HashMap<HeavyOperatorIndex, Vec<SsfVoteData>>,
}

/// The interop BLS key of index `i`.
pub fn bls_key(i: u64) -> Keypair {
    interop_keypair(i).expect("interop keys are valid")
}

/// The interop execution key of index `i`.
pub fn execution_key(i: u64) -> ExecutionKey {
    interop_execution_key(i)
}

impl<E: EthSpec> Harness<E> {
    /// `heavy` heavy operators and `light` light operators from interop keys, and `accounts`
    /// further prefunded accounts, on `spec`.
    pub fn new(heavy: u64, light: u64, accounts: u64, spec: ChainSpec) -> Self {
        let genesis = GenesisConfig::interop_default(heavy, light, accounts).expect("genesis");
        Self::from_genesis(&genesis, spec, heavy.saturating_add(light))
    }

    /// The default configuration of `E`'s preset.
    pub fn minimal(heavy: u64, accounts: u64) -> Self {
        Self::new(heavy, 0, accounts, ChainSpec::default_for::<E>())
    }

    pub fn from_genesis(genesis: &GenesisConfig, spec: ChainSpec, bls_key_count: u64) -> Self {
        let state = initialize_beacon_state_from_genesis::<E>(genesis, &spec).expect("genesis");
        let mut bls_keys = HashMap::new();
        for i in 0..bls_key_count.saturating_add(8) {
            let kp = bls_key(i);
            bls_keys.insert(kp.pk.compress(), kp);
        }
        let mut genesis_header = state.latest_block_header;
        let mut s = state.clone();
        genesis_header.state_root = s.canonical_root().expect("root");
        let genesis_root = genesis_header.tree_hash_root();
        let mut harness = Self {
            spec,
            caches: TransitionCaches::new(),
            bls_keys,
            mempool: Mempool::new(MempoolConfig::default()),
            blocks: HashMap::new(),
            states: HashMap::new(),
            head_root: genesis_root,
            head_state: state.clone(),
            slot: 0,
            pending_aggregates: Vec::new(),
            pending_proposer_slashings: Vec::new(),
            pending_vote_slashings: Vec::new(),
            pending_inclusion_list_equivocations: Vec::new(),
            pending_certificate: None,
            supply_checks: 0,
            signed_votes: HashMap::new(),
        };
        harness.states.insert(genesis_root, state);
        harness.check_supply(&harness.head_state.clone());
        // The genesis slot's light committee certifies the genesis block for slot 1.
        harness.light_duties(0, &Strategy::honest());
        harness
    }

    /// Panics unless the supply invariant holds for `state`; counts the check.
    pub fn check_supply(&mut self, state: &BeaconState<E>) {
        let supply = get_total_supply(state).expect("supply");
        let expected = get_expected_supply(state).expect("expected supply");
        assert_eq!(
            supply, expected,
            "supply invariant broken at slot {}: held {supply}, genesis {} + minted {} - burned {}",
            state.slot, state.genesis_supply, state.total_minted, state.total_burned
        );
        self.supply_checks += 1;
    }

    fn keypair(&self, state: &BeaconState<E>, operator: HeavyOperatorIndex) -> &Keypair {
        let pubkey = state.heavy_operators.get(operator as usize).expect("operator").pubkey;
        self.bls_keys.get(&pubkey).expect("the harness holds every operator's key")
    }

    /// The head state advanced (on a copy) to `slot`.
    pub fn state_at(&self, slot: Slot) -> BeaconState<E> {
        let mut state = self.head_state.clone();
        if slot > state.slot {
            process_slots(&mut state, slot, &self.spec).expect("process_slots");
        }
        state
    }

    pub fn proposer_at(&self, slot: Slot) -> HeavyOperatorIndex {
        get_beacon_proposer_index(&self.state_at(slot), &self.spec).expect("proposer")
    }

    fn sign(&self, state: &BeaconState<E>, operator: HeavyOperatorIndex, root: Root) -> Signature {
        self.keypair(state, operator).sk.sign(root.as_slice())
    }

    pub fn randao_reveal(&self, state: &BeaconState<E>, operator: HeavyOperatorIndex) -> Signature {
        let epoch = get_current_epoch(state, &self.spec);
        let root = compute_signing_root(&epoch, get_domain(state, DOMAIN_RANDAO, epoch));
        self.sign(state, operator, root)
    }

    /// Signs `block` with its proposer's key.
    pub fn sign_block(&self, block: BeaconBlock<E>) -> SignedBeaconBlock<E> {
        let state = &self.head_state;
        let epoch = compute_epoch_at_slot(block.slot, &self.spec);
        let root = compute_signing_root(&block, get_domain(state, DOMAIN_BEACON_PROPOSER, epoch));
        let signature = self.sign(state, block.proposer_index, root).compress();
        SignedBeaconBlock { message: block, signature }
    }

    /// The default contents of a block at `slot`: a valid RANDAO reveal, the pending aggregates
    /// and slashing evidence, fees to the proposer's address.
    pub fn block_contents(&self, slot: Slot) -> BlockContents<E> {
        let state = self.state_at(slot);
        let proposer = get_beacon_proposer_index(&state, &self.spec).expect("proposer");
        let fee_recipient =
            state.heavy_operators.get(proposer as usize).expect("op").withdrawal_address;
        let current = get_current_epoch(&state, &self.spec);
        let aggregates = self
            .pending_aggregates
            .iter()
            .filter(|a| {
                a.data.slot < slot
                    && compute_epoch_at_slot(a.data.slot, &self.spec) + 1 >= current
                    && get_block_root_at_slot(&state, a.data.slot)
                        .is_ok_and(|r| r == a.data.head_root)
                    && (a.data.round != SSF_ROUND_JUSTIFY
                        || get_justified_checkpoint_at_slot(&state, a.data.slot)
                            .is_ok_and(|source| source == a.data.source))
            })
            .take(E::MaxSsfAggregates::to_usize())
            .cloned()
            .collect();
        // The last certificate, if it is on the head and recent enough to have a committee.
        let parent_slot = state.latest_block_header.slot;
        let certificate = self.pending_certificate.as_ref().filter(|p| {
            p.certificate.parent_root == self.head_root
                && p.certificate.slot >= parent_slot
                && p.certificate.slot < slot
                && compute_epoch_at_slot(p.certificate.slot, &self.spec) + 1 >= current
        });
        // Evidence of the current or previous epoch against operators not yet penalized.
        let equivocations = self
            .pending_inclusion_list_equivocations
            .iter()
            .filter(|e| {
                let list = &e.signed_list_1.message;
                compute_epoch_at_slot(list.slot, &self.spec) + 1 >= current
                    && get_light_committee(&state, list.slot, &self.spec)
                        .ok()
                        .and_then(|c| c.get(list.position as usize).copied())
                        .and_then(|o| state.light_operators.get(o as usize))
                        .is_some_and(|o| !o.slashed)
            })
            .take(E::MaxInclusionListEquivocations::to_usize())
            .cloned()
            .collect();
        BlockContents {
            randao_reveal: self.randao_reveal(&state, proposer).compress(),
            graffiti: B256::ZERO,
            proposer_slashings: self.pending_proposer_slashings.clone(),
            vote_slashings: self.pending_vote_slashings.clone(),
            ssf_aggregates: aggregates,
            inclusion_list_equivocations: equivocations,
            light_certificate: certificate.map(|p| p.certificate.clone()),
            certified_transactions: certificate
                .map(|p| p.certified_transactions.clone())
                .unwrap_or_default(),
            fee_recipient,
        }
    }

    /// Produces (does not import) the block of `slot` from `contents`, honouring
    /// `inclusion_list`.
    pub fn produce(
        &mut self,
        slot: Slot,
        contents: BlockContents<E>,
        inclusion_list: &[Transaction],
    ) -> Result<ProducedBlock<E>, BlockProcessingError> {
        let head = self.head_state.clone();
        produce_block(
            &head,
            slot,
            contents,
            &self.mempool,
            inclusion_list,
            &self.spec,
            &mut self.caches,
        )
    }

    /// Produces and signs the default block of `slot`.
    pub fn produce_signed(&mut self, slot: Slot) -> SignedBeaconBlock<E> {
        let contents = self.block_contents(slot);
        let produced = self.produce(slot, contents, &[]).expect("block production");
        self.sign_block(produced.block)
    }

    /// Imports a block on top of its parent (which must be the head) with batch signature
    /// verification and state-root validation; it becomes the head.
    pub fn import(
        &mut self,
        block: &SignedBeaconBlock<E>,
    ) -> Result<BlockOutcome, BlockProcessingError> {
        let parent = self
            .states
            .get(&block.message.parent_root)
            .cloned()
            .unwrap_or_else(|| self.head_state.clone());
        let mut state = parent;
        let outcome = state_transition(
            &mut state,
            block,
            BlockSignatureStrategy::VerifyBulk,
            true,
            &self.spec,
            &mut self.caches,
        )?;
        let root = block.message.tree_hash_root();
        self.check_supply(&state);
        self.blocks.insert(root, block.clone());
        self.states.insert(root, state.clone());
        self.head_root = root;
        self.head_state = state;
        let included: Vec<_> = block.message.body.ssf_aggregates.iter().cloned().collect();
        // Drop what was included, and aggregates too old for any later block.
        let current = get_current_epoch(&self.head_state, &self.spec);
        let spec = &self.spec;
        self.pending_aggregates.retain(|a| {
            !included.contains(a) && compute_epoch_at_slot(a.data.slot, spec) + 1 >= current
        });
        self.pending_proposer_slashings
            .retain(|s| !block.message.body.proposer_slashings.contains(s));
        self.pending_vote_slashings.retain(|s| !block.message.body.vote_slashings.contains(s));
        self.pending_inclusion_list_equivocations
            .retain(|e| !block.message.body.inclusion_list_equivocations.contains(e));
        let mut view_accounts = self.head_state.accounts.clone();
        let mut index = AddressIndex::new();
        index.sync(&mut view_accounts).expect("index");
        self.mempool.prune(&ReadLedger::new(&view_accounts, &index));
        Ok(outcome)
    }

    /// Signs one SSF vote of `operator` over `data`.
    pub fn sign_vote(
        &self,
        state: &BeaconState<E>,
        operator: HeavyOperatorIndex,
        data: &SsfVoteData,
    ) -> Signature {
        let epoch = compute_epoch_at_slot(data.slot, &self.spec);
        let root = compute_signing_root(data, get_domain(state, DOMAIN_SSF_VOTE, epoch));
        self.sign(state, operator, root)
    }

    /// The aggregate of `voters`' votes on `data` (voters must hold seats in `data.slot`'s epoch).
    pub fn aggregate(
        &self,
        state: &BeaconState<E>,
        data: SsfVoteData,
        voters: &BTreeSet<HeavyOperatorIndex>,
    ) -> Option<SsfAggregate<E>> {
        let epoch = compute_epoch_at_slot(data.slot, &self.spec);
        let which = get_seat_epoch(state, epoch, &self.spec)?;
        let seats = get_seats(state, which);
        let mut bits = BitList::with_capacity(seats.len()).expect("bits");
        let mut signatures = Vec::new();
        for (position, seat) in seats.iter().enumerate() {
            if voters.contains(&seat.operator_index) {
                bits.set(position, true).expect("bit");
                signatures.push(self.sign_vote(state, seat.operator_index, &data));
            }
        }
        if signatures.is_empty() {
            return None;
        }
        let refs: Vec<&Signature> = signatures.iter().collect();
        let signature = aggregate_signatures(&refs).expect("aggregate").compress();
        Some(SsfAggregate { aggregation_bits: bits, data, signature })
    }

    /// An indexed vote of `operators` on `data`.
    pub fn indexed_vote(
        &self,
        state: &BeaconState<E>,
        data: SsfVoteData,
        operators: &BTreeSet<HeavyOperatorIndex>,
    ) -> IndexedSsfVote<E> {
        let signatures: Vec<Signature> =
            operators.iter().map(|o| self.sign_vote(state, *o, &data)).collect();
        let refs: Vec<&Signature> = signatures.iter().collect();
        IndexedSsfVote {
            operator_indices: VariableList::new(operators.iter().copied().collect())
                .expect("indices"),
            data,
            signature: aggregate_signatures(&refs).expect("aggregate").compress(),
        }
    }

    /// The seats of `slot`'s epoch that are not `offline`.
    pub fn online_seats(
        &self,
        state: &BeaconState<E>,
        slot: Slot,
        offline: &BTreeSet<HeavyOperatorIndex>,
    ) -> BTreeSet<HeavyOperatorIndex> {
        let epoch = compute_epoch_at_slot(slot, &self.spec);
        let Some(which) = get_seat_epoch(state, epoch, &self.spec) else {
            return BTreeSet::new();
        };
        get_seats(state, which)
            .iter()
            .filter(|s| s.stake > 0 && !offline.contains(&s.operator_index))
            .map(|s| s.operator_index)
            .collect()
    }

    /// Keeps the operators of `voters` that may sign `data` under slashing protection (no vote
    /// they signed is slashable against it) and records `data` as signed by them.
    pub fn protect(
        &mut self,
        voters: &BTreeSet<HeavyOperatorIndex>,
        data: &SsfVoteData,
    ) -> BTreeSet<HeavyOperatorIndex> {
        let mut signing = BTreeSet::new();
        for operator in voters {
            let history = self.signed_votes.entry(*operator).or_default();
            if history.iter().any(|d| is_slashable_ssf_vote_data(d, data)) {
                continue;
            }
            if !history.contains(data) {
                history.push(*data);
            }
            signing.insert(*operator);
        }
        signing
    }

    /// The votes of `slot`, made after its block (if any) was imported: round 1 by every online
    /// seat on the head; round 2 only if round 1 reached 2/3 of the seat stake (the voters saw
    /// the target justified). An operator whose slashing protection refuses a vote abstains
    /// (after round 2 of slot `u`, round 1 waits for a head justified at `u` or later).
    pub fn vote(&mut self, slot: Slot, strategy: &Strategy) {
        let state = self.state_at(slot);
        let online = self.online_seats(&state, slot, &strategy.offline);
        if online.is_empty() {
            return;
        }
        let target = Checkpoint { slot, root: self.head_root };
        let round_1 = SsfVoteData {
            slot,
            round: SSF_ROUND_JUSTIFY,
            head_root: self.head_root,
            source: self.head_state.justified_checkpoint,
            target,
        };
        let voters = self.protect(&online, &round_1);
        let Some(aggregate_1) = self.aggregate(&state, round_1, &voters) else {
            return;
        };
        // Does round 1 reach 2/3? Count it on a scratch state one slot later.
        let mut scratch = state.clone();
        process_slots(&mut scratch, slot + 1, &self.spec).expect("slots");
        let epoch = compute_epoch_at_slot(slot, &self.spec);
        let which = get_seat_epoch(&scratch, epoch, &self.spec).expect("seat epoch");
        let seats = get_seats(&scratch, which);
        let total: u64 = seats.iter().map(|s| s.stake).sum();
        let voted: u64 =
            seats.iter().filter(|s| voters.contains(&s.operator_index)).map(|s| s.stake).sum();
        self.pending_aggregates.push(aggregate_1);
        if is_supermajority(voted, total) {
            let round_2 = SsfVoteData { round: SSF_ROUND_FINALIZE, source: target, ..round_1 };
            let voters = self.protect(&voters, &round_2);
            if let Some(aggregate_2) = self.aggregate(&state, round_2, &voters) {
                self.pending_aggregates.push(aggregate_2);
            }
        }
        if !strategy.equivocating_voters.is_empty() {
            let other = SsfVoteData {
                head_root: B256::repeat_byte(0xee),
                target: Checkpoint { slot, root: B256::repeat_byte(0xee) },
                ..round_1
            };
            let vote_1 = self.indexed_vote(&state, round_1, &strategy.equivocating_voters);
            let vote_2 = self.indexed_vote(&state, other, &strategy.equivocating_voters);
            self.pending_vote_slashings.push(VoteSlashing { vote_1, vote_2 });
        }
    }

    /// Advances one slot under `strategy`: the proposer (unless offline) produces and imports a
    /// block, the online seats vote, and the supply invariant is checked.
    pub fn advance_slot(&mut self, strategy: &Strategy) -> SlotReport {
        let slot = self.slot + 1;
        self.slot = slot;
        let state = self.state_at(slot);
        let proposer = get_beacon_proposer_index(&state, &self.spec).expect("proposer");
        let (mut block_root, mut outcome) = (None, None);
        let mut refused = None;
        let produced = if strategy.offline.contains(&proposer) {
            None
        } else {
            let contents = self.block_contents(slot);
            match self.produce(slot, contents.clone(), &[]) {
                Ok(produced) => Some((contents, produced)),
                // Strong coupling without a certificate: no valid block can be made.
                Err(
                    e @ BlockProcessingError::LightCertificate(LightCertificateInvalid::Missing),
                ) => {
                    refused = Some(e);
                    None
                }
                Err(e) => panic!("block production: {e}"),
            }
        };
        if let Some((contents, produced)) = produced {
            let signed = self.sign_block(produced.block);
            if strategy.equivocating_proposer {
                let mut twin = contents;
                twin.graffiti = B256::repeat_byte(0x42);
                let other = self.produce(slot, twin, &[]).expect("twin block");
                let other = self.sign_block(other.block);
                let header = |b: &SignedBeaconBlock<E>| SignedBeaconBlockHeader {
                    message: b.message.to_header(),
                    signature: b.signature,
                };
                self.pending_proposer_slashings.push(ProposerSlashing {
                    signed_header_1: header(&signed),
                    signed_header_2: header(&other),
                });
            }
            outcome = Some(self.import(&signed).expect("the harness's own block imports"));
            block_root = Some(self.head_root);
        } else {
            self.check_supply(&state);
        }
        self.vote(slot, strategy);
        self.light_duties(slot, strategy);
        SlotReport {
            slot,
            proposer,
            block_root,
            outcome,
            refused,
            justified: self.head_state.justified_checkpoint,
            finalized: self.head_state.finalized_checkpoint,
        }
    }

    /// `n` slots under `strategy`.
    pub fn extend(&mut self, n: u64, strategy: &Strategy) -> Vec<SlotReport> {
        (0..n).map(|_| self.advance_slot(strategy)).collect()
    }

    /// Signs a transaction of execution interop key `key_index` with the given nonce.
    pub fn transaction(
        &self,
        key_index: u64,
        nonce: u64,
        action: TransactionAction,
    ) -> Transaction {
        let message = TransactionMessage {
            chain_id: self.spec.config.execution_chain_id,
            nonce,
            gas_price: 1,
            action,
        };
        let signed = sign_transaction(message, &execution_key(key_index)).expect("sign");
        encode_transaction(&signed).expect("encode")
    }

    /// The next nonce of an address in the head state.
    pub fn nonce(&self, address: Address) -> u64 {
        self.head_state.accounts.iter().find(|a| a.address == address).map(|a| a.nonce).unwrap_or(0)
    }

    /// The balance of an address in the head state.
    pub fn balance(&self, address: Address) -> u64 {
        self.head_state
            .accounts
            .iter()
            .find(|a| a.address == address)
            .map(|a| a.balance)
            .unwrap_or(0)
    }

    /// Sends one staking transaction from execution interop key `key` (next nonce), advances a
    /// slot (the block must include it), and returns its receipt and the refusal, if any.
    pub fn send_staking(
        &mut self,
        key: u64,
        action: rainbow_types::StakingAction,
    ) -> (rainbow_types::StakingReceipt, Option<rainbow_state_transition::StakingRefusal>) {
        self.send_staking_with(key, action, &Strategy::honest())
    }

    /// [`Self::send_staking`], advancing the slot under `strategy`.
    pub fn send_staking_with(
        &mut self,
        key: u64,
        action: rainbow_types::StakingAction,
        strategy: &Strategy,
    ) -> (rainbow_types::StakingReceipt, Option<rainbow_state_transition::StakingRefusal>) {
        let nonce = self.nonce(execution_key(key).address());
        let tx = self.transaction(key, nonce, TransactionAction::Staking(action));
        self.submit(tx).expect("the mempool takes the transaction");
        let report = self.advance_slot(strategy);
        let mut receipts = report.outcome.expect("the slot has a block").staking_receipts;
        assert_eq!(receipts.len(), 1, "exactly the one request");
        receipts.remove(0)
    }

    /// A registration of BLS interop key `bls` controlled by execution key `sender`, with a valid
    /// proof of possession under `domain_type` (`DOMAIN_HEAVY_REGISTRATION` or
    /// `DOMAIN_LIGHT_REGISTRATION`) at the head state.
    pub fn registration(
        &self,
        bls: u64,
        sender: u64,
        bond: u64,
        commission_bps: u64,
        domain_type: rainbow_types::DomainType,
    ) -> rainbow_types::RegisterOperator {
        let kp = bls_key(bls);
        let message = rainbow_types::OperatorRegistrationMessage {
            pubkey: kp.pk.compress(),
            withdrawal_address: execution_key(sender).address(),
        };
        let root = rainbow_state_transition::per_block::compute_registration_signing_root(
            &self.head_state,
            &message,
            domain_type,
            &self.spec,
        );
        rainbow_types::RegisterOperator {
            pubkey: message.pubkey,
            proof_of_possession: kp.sk.sign(root.as_slice()).compress(),
            bond,
            commission_bps,
        }
    }

    /// Submits a transaction to the harness's mempool, checked against the head state.
    pub fn submit(&mut self, transaction: Transaction) -> Result<(), MempoolError> {
        let mut accounts = self.head_state.accounts.clone();
        let mut index = AddressIndex::new();
        index.sync(&mut accounts).expect("index");
        let view = ReadLedger::new(&accounts, &index);
        self.mempool.insert(transaction, &view, self.spec.config.execution_chain_id).map(|_| ())
    }
}

use rainbow_types::typenum::Unsigned;
