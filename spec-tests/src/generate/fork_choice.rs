//! `fork_choice/<handler>/<suite>/<case>/`: `anchor_state.ssz_snappy`, `steps.yaml` and the
//! blocks, votes and certificates the steps name. The expected `checks` come from stepping the
//! shared [`Store`] model; every step's `valid` is checked while generating.
use super::chains::harness;
use super::Out;
use crate::fork_choice::{Step, Store};
use crate::io::CaseWriter;
use crate::Error;
use rainbow_harness::{Harness, Strategy};
use rainbow_types::constants::SSF_ROUND_JUSTIFY;
use rainbow_types::tree_hash::TreeHash;
use rainbow_types::{
    BeaconState, Checkpoint, Coupling, EthSpec, LightCertificate, SignedBeaconBlock, Slot, SsfVote,
    SsfVoteData, B256,
};

/// Builds one case: each call steps the store and records the step.
struct Case<E: EthSpec> {
    writer: CaseWriter,
    store: Store<E>,
    steps: Vec<Step>,
    votes: usize,
    certificates: usize,
}

impl<E: EthSpec> Case<E> {
    fn new(
        out: &mut Out<'_>,
        handler: &str,
        name: &str,
        anchor: &BeaconState<E>,
        h: &Harness<E>,
    ) -> Result<Self, Error> {
        let writer = out.case("fork_choice", handler, "pyspec_tests", name)?;
        writer.ssz("anchor_state", anchor)?;
        Ok(Self {
            writer,
            store: Store::new(anchor.clone(), h.spec.clone()),
            steps: Vec::new(),
            votes: 0,
            certificates: 0,
        })
    }

    fn tick(&mut self, slot: Slot) {
        self.store.on_tick(slot);
        self.steps.push(Step::Tick { tick: slot });
    }

    fn expect(what: &str, result: Result<(), String>, valid: bool) -> Result<(), Error> {
        match (result, valid) {
            (Ok(()), true) | (Err(_), false) => Ok(()),
            (Ok(()), false) => Err(Error::generate(format!("fork_choice: {what} was accepted"))),
            (Err(e), true) => Err(Error::generate(format!("fork_choice: {what}: {e}"))),
        }
    }

    fn block(&mut self, block: &SignedBeaconBlock<E>, valid: bool) -> Result<(), Error> {
        let name = format!("block_{:?}", block.message.tree_hash_root());
        Self::expect(&name, self.store.on_block(block), valid)?;
        self.writer.ssz(&name, block)?;
        self.steps.push(Step::Block { block: name, valid });
        Ok(())
    }

    fn vote(&mut self, vote: &SsfVote, valid: bool) -> Result<(), Error> {
        let name = format!("vote_{}", self.votes);
        self.votes = self.votes.saturating_add(1);
        Self::expect(&name, self.store.on_vote(vote), valid)?;
        self.writer.ssz(&name, vote)?;
        self.steps.push(Step::Vote { vote: name, valid });
        Ok(())
    }

    fn certificate(&mut self, c: &LightCertificate<E>, valid: bool) -> Result<(), Error> {
        let name = format!("certificate_{}", self.certificates);
        self.certificates = self.certificates.saturating_add(1);
        Self::expect(&name, self.store.on_certificate(c), valid)?;
        self.writer.ssz(&name, c)?;
        self.steps.push(Step::Certificate { certificate: name, valid });
        Ok(())
    }

    fn checks(&mut self) {
        self.steps.push(Step::Checks { checks: self.store.checks() });
    }

    fn finish(self) -> Result<(), Error> {
        self.writer.yaml("steps", &self.steps)
    }
}

/// The signed vote of `operator` for `root` (at `slot`) on `h`'s chain.
fn vote<E: EthSpec>(h: &Harness<E>, operator: u64, slot: Slot, root: B256) -> SsfVote {
    let state = h.state_at(slot);
    let data = SsfVoteData {
        slot,
        round: SSF_ROUND_JUSTIFY,
        head_root: root,
        source: state.justified_checkpoint,
        target: Checkpoint { slot, root },
    };
    SsfVote {
        operator_index: operator,
        data,
        signature: h.sign_vote(&state, operator, &data).compress(),
    }
}

/// Produces (without importing) a block at `slot` on `h`'s head, told apart by `graffiti`.
fn sibling<E: EthSpec>(
    h: &mut Harness<E>,
    slot: Slot,
    graffiti: u8,
) -> Result<SignedBeaconBlock<E>, Error> {
    let mut contents = h.block_contents(slot);
    contents.graffiti = B256::repeat_byte(graffiti);
    let produced = h.produce(slot, contents, &[]).map_err(|e| Error::generate(format!("{e:?}")))?;
    Ok(h.sign_block(produced.block))
}

pub(crate) fn generate<E: EthSpec>(out: &mut Out<'_>) -> Result<(), Error> {
    out.progress("fork_choice");
    // A chain from genesis: each block justifies and finalizes its parent's slot.
    let mut h = harness::<E>(Coupling::Strong);
    let anchor = h.head_state.clone();
    let reports = h.extend(5, &Strategy::honest());
    let mut case =
        Case::new(out, "get_head", "chain_justifies_and_finalizes_every_slot", &anchor, &h)?;
    for report in &reports {
        case.tick(report.slot);
        if let Some(block) = report.block_root.and_then(|r| h.blocks.get(&r)) {
            case.block(block, true)?;
        }
        case.checks();
    }
    case.finish()?;

    // Two blocks for slot 2 on block 1; the latest votes decide, and moving votes moves the head.
    let mut h = harness::<E>(Coupling::Strong);
    h.extend(1, &Strategy::honest());
    let anchor = h.head_state.clone();
    let first = h.blocks.get(&h.head_root).cloned().ok_or_else(|| Error::generate("no block 1"))?;
    let mut case =
        Case::new(out, "get_head", "competing_blocks_the_latest_votes_decide", &anchor, &h)?;
    // The anchor is the post-state of block 1 here, so it is not imported again.
    let _ = first;
    let a = sibling(&mut h, 2, 0xaa)?;
    let b = sibling(&mut h, 2, 0xbb)?;
    let (ra, rb) = (a.message.tree_hash_root(), b.message.tree_hash_root());
    case.tick(2);
    case.block(&a, true)?;
    case.block(&b, true)?;
    case.checks();
    for operator in 0..6 {
        case.vote(&vote(&h, operator, 2, ra), true)?;
    }
    for operator in 6..16 {
        case.vote(&vote(&h, operator, 2, rb), true)?;
    }
    case.checks();
    case.tick(3);
    for operator in 6..11 {
        case.vote(&vote(&h, operator, 3, ra), true)?;
    }
    case.checks();
    // An older vote never replaces a newer one.
    case.vote(&vote(&h, 6, 2, rb), true)?;
    case.checks();
    case.finish()?;

    // Refused steps leave the store as it was.
    let mut h = harness::<E>(Coupling::Strong);
    let anchor = h.head_state.clone();
    let mut case =
        Case::new(out, "on_block", "refused_blocks_and_votes_change_nothing", &anchor, &h)?;
    let block_1 = sibling(&mut h, 1, 0)?;
    case.tick(0);
    case.block(&block_1, false)?; // from the future
    case.tick(1);
    let mut forged = block_1.clone();
    forged.message.body.graffiti = B256::repeat_byte(0x66);
    case.block(&forged, false)?; // signed over other contents
    let mut wrong_root = block_1.message.clone();
    wrong_root.state_root = B256::repeat_byte(0x77);
    case.block(&h.sign_block(wrong_root), false)?;
    case.checks();
    case.block(&block_1, true)?;
    let root_1 = block_1.message.tree_hash_root();
    h.import(&block_1).map_err(|e| Error::generate(format!("{e:?}")))?;
    case.vote(&vote(&h, 0, 1, B256::repeat_byte(0x55)), false)?; // unknown block
    let mut bad = vote(&h, 1, 1, root_1);
    bad.signature = vote(&h, 2, 1, root_1).signature;
    case.vote(&bad, false)?;
    case.vote(&vote(&h, 1, 2, root_1), false)?; // dated after the store's time
    let mut seatless = vote(&h, 1, 1, root_1);
    seatless.operator_index = 999;
    case.vote(&seatless, false)?; // no seat
    case.vote(&vote(&h, 1, 1, root_1), true)?;
    case.checks();
    case.finish()?;

    // Certificates on a block the store holds.
    let mut h = harness::<E>(Coupling::Strong);
    let anchor = h.head_state.clone();
    let reports = h.extend(2, &Strategy::honest());
    let mut case =
        Case::new(out, "on_certificate", "certificates_of_the_light_committee", &anchor, &h)?;
    for report in &reports {
        case.tick(report.slot);
        if let Some(block) = report.block_root.and_then(|r| h.blocks.get(&r)) {
            case.block(block, true)?;
        }
    }
    let certificate = h
        .pending_certificate
        .clone()
        .ok_or_else(|| Error::generate("no pending certificate"))?
        .certificate;
    case.certificate(&certificate, true)?;
    let mut wrong = certificate.clone();
    wrong.inclusion_list_root = B256::repeat_byte(1);
    case.certificate(&wrong, false)?;
    let mut unknown = certificate;
    unknown.parent_root = B256::repeat_byte(2);
    case.certificate(&unknown, false)?;
    case.checks();
    case.finish()
}
