//! One key's slashing-protection record, in constant size (docs/spec/validator.md#rules): the
//! block of the highest slot it signed, the votes of the highest slot it voted in (so that the
//! same message can be signed again), and the highest source and target **heights** of every vote
//! it signed (`compute_vote_heights`). EIP-3076's minimal form over SSF heights.
//!
//! The rules are exact for a key whose votes' target heights only increase, which is how an
//! honest node votes: a new vote above every target signed doubles none, is surrounded by none,
//! and surrounds one exactly when its source is below the highest source signed.
use super::NotSafe;
use rainbow_state_transition::per_block::compute_vote_heights;
use rainbow_types::{Root, Slot};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A vote of the latest slot voted in. `signing_root` is `None` for an imported vote without one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct RecordedVote {
    pub slot: Slot,
    pub round: u8,
    pub source: Slot,
    pub signing_root: Option<Root>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct KeyRecord {
    /// The block of the highest slot signed (or imported), with its signing root if known.
    #[serde(default)]
    pub last_block: Option<(Slot, Option<Root>)>,
    /// The votes of the highest slot voted in (one per round at most).
    #[serde(default)]
    pub last_votes: Vec<RecordedVote>,
    /// The highest source and target heights of any vote signed or imported.
    #[serde(default)]
    pub max_source_height: Option<u64>,
    #[serde(default)]
    pub max_target_height: Option<u64>,
    /// The record before issue 20 kept every signature; such a record is folded into the fields
    /// above when it is loaded (`migrate`), and these are never written again.
    #[serde(default, skip_serializing)]
    blocks: BTreeMap<Slot, Root>,
    #[serde(default, skip_serializing)]
    votes: BTreeMap<String, (Slot, Root, Slot, u8)>,
    #[serde(default, skip_serializing)]
    block_watermark: Option<Slot>,
    #[serde(default, skip_serializing)]
    vote_watermark: Option<Slot>,
}

/// A vote's heights as `u64` (slots below 2^62 always fit; anything else is refused).
pub(super) fn heights(round: u8, source: Slot, slot: Slot) -> Result<(u64, u64), NotSafe> {
    compute_vote_heights(round, source, slot)
        .and_then(|(s, t)| Some((u64::try_from(s).ok()?, u64::try_from(t).ok()?)))
        .ok_or(NotSafe::OutOfRange { slot, round })
}

impl KeyRecord {
    /// Folds a pre-issue-20 record (every signature kept) into the constant-size fields.
    pub fn migrate(&mut self) -> Result<(), NotSafe> {
        let blocks = std::mem::take(&mut self.blocks);
        for (slot, root) in blocks {
            self.note_block(slot, Some(root));
        }
        if let Some(watermark) = self.block_watermark.take() {
            self.note_block(watermark, None);
        }
        let votes = std::mem::take(&mut self.votes);
        for (source, root, slot, round) in votes.into_values() {
            self.note_vote(RecordedVote { slot, round, source, signing_root: Some(root) })?;
        }
        if let Some(watermark) = self.vote_watermark.take() {
            // Nothing at or below the watermark slot was to be signed: both its heights.
            let (_, top) = heights(2, watermark, watermark)?;
            self.max_target_height = self.max_target_height.max(Some(top));
        }
        Ok(())
    }

    /// Whether signing `signing_root` as the block of `slot` is safe: above the last block's
    /// slot, or that very block again.
    pub fn check_block(&self, slot: Slot, signing_root: Root) -> Result<bool, NotSafe> {
        match self.last_block {
            Some((last, _)) if slot < last => {
                Err(NotSafe::BelowWatermark { slot, watermark: last })
            }
            Some((last, Some(root))) if slot == last => {
                if root == signing_root {
                    Ok(false) // the same block again: nothing to record
                } else {
                    Err(NotSafe::DoubleBlock { slot })
                }
            }
            Some((last, None)) if slot == last => {
                Err(NotSafe::BelowWatermark { slot, watermark: last })
            }
            _ => Ok(true),
        }
    }

    pub fn note_block(&mut self, slot: Slot, signing_root: Option<Root>) {
        if self.last_block.is_none_or(|(last, _)| slot > last) {
            self.last_block = Some((slot, signing_root));
        }
    }

    /// Whether signing `vote` is safe: the same vote again, or a vote above every target height
    /// signed whose source is not below the highest source signed (that vote would surround an
    /// earlier one: the lock of decision 87). Returns whether there is anything to record.
    pub fn check_vote(&self, vote: &RecordedVote) -> Result<bool, NotSafe> {
        let (slot, round) = (vote.slot, vote.round);
        if let Some(same) = self.last_votes.iter().find(|v| v.slot == slot && v.round == round) {
            return match same.signing_root {
                Some(root) if Some(root) == vote.signing_root => Ok(false),
                Some(_) => Err(NotSafe::DoubleVote { slot, round }),
                None => Err(NotSafe::BelowWatermark { slot, watermark: slot }),
            };
        }
        let (source_height, target_height) = heights(round, vote.source, slot)?;
        if let Some(top) = self.max_target_height.filter(|top| target_height <= *top) {
            return Err(NotSafe::BelowWatermark { slot, watermark: top / 2 });
        }
        if let Some(lock) = self.max_source_height.filter(|lock| source_height < *lock) {
            return Err(NotSafe::SurroundVote {
                slot,
                round,
                source_slot: vote.source,
                lock_slot: lock / 2,
            });
        }
        Ok(true)
    }

    /// Records `vote`: it becomes one of the latest slot's votes, and the heights rise.
    pub fn note_vote(&mut self, vote: RecordedVote) -> Result<(), NotSafe> {
        let (source_height, target_height) = heights(vote.round, vote.source, vote.slot)?;
        let latest = self.last_votes.iter().map(|v| v.slot).max();
        if latest.is_none_or(|latest| vote.slot > latest) {
            self.last_votes.clear();
        }
        if latest.is_none_or(|latest| vote.slot >= latest)
            && !self.last_votes.iter().any(|v| v.slot == vote.slot && v.round == vote.round)
        {
            self.last_votes.push(vote);
            self.last_votes.sort_by_key(|v| v.round);
        }
        self.max_source_height = self.max_source_height.max(Some(source_height));
        self.max_target_height = self.max_target_height.max(Some(target_height));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vote(slot: Slot, round: u8, source: Slot, root: u8) -> RecordedVote {
        RecordedVote { slot, round, source, signing_root: Some(Root::repeat_byte(root)) }
    }

    fn sign(record: &mut KeyRecord, v: RecordedVote) -> Result<(), NotSafe> {
        if record.check_vote(&v)? {
            record.note_vote(v)?;
        }
        Ok(())
    }

    /// A year of honest votes (two per slot) leaves a record of the same size as one slot's.
    #[test]
    fn the_record_does_not_grow_per_signature() {
        let mut record = KeyRecord::default();
        sign(&mut record, vote(1, 1, 0, 1)).unwrap();
        sign(&mut record, vote(1, 2, 1, 2)).unwrap();
        let one_slot = serde_json::to_vec(&record).unwrap().len();
        for slot in 2..20_000u64 {
            sign(&mut record, vote(slot, 1, slot - 1, 1)).unwrap();
            sign(&mut record, vote(slot, 2, slot, 2)).unwrap();
            record.note_block(slot, Some(Root::repeat_byte(3)));
        }
        let many = serde_json::to_vec(&record).unwrap().len();
        assert!(many <= one_slot + 120, "{one_slot} bytes after one slot, {many} after 20k");
        assert_eq!(record.last_votes.len(), 2);
    }

    /// The legacy record (every signature) folds into the same rules.
    #[test]
    fn a_legacy_record_migrates_with_its_history() {
        let legacy = r#"{"blocks":{"7":"0x1111111111111111111111111111111111111111111111111111111111111111"},
            "votes":{"00000000000000000010-1":[9,"0x2222222222222222222222222222222222222222222222222222222222222222",10,1],
                     "00000000000000000010-2":[10,"0x3333333333333333333333333333333333333333333333333333333333333333",10,2]},
            "block_watermark":null,"vote_watermark":null}"#;
        let mut record: KeyRecord = serde_json::from_str(legacy).unwrap();
        record.migrate().unwrap();
        assert_eq!(record.last_block, Some((7, Some(Root::repeat_byte(0x11)))));
        assert_eq!((record.max_source_height, record.max_target_height), (Some(20), Some(21)));
        assert_eq!(record.last_votes.len(), 2);
        // Round 1 of slot 10 again: allowed; a different one: a double vote; slot 11 from
        // source 9: a surround of the round 2 of slot 10.
        assert_eq!(record.check_vote(&vote(10, 1, 9, 0x22)), Ok(false));
        assert_eq!(
            record.check_vote(&vote(10, 1, 9, 0x99)),
            Err(NotSafe::DoubleVote { slot: 10, round: 1 })
        );
        assert!(matches!(
            record.check_vote(&vote(11, 1, 9, 1)),
            Err(NotSafe::SurroundVote { lock_slot: 10, .. })
        ));
        let json = String::from_utf8(serde_json::to_vec(&record).unwrap()).unwrap();
        assert!(!json.contains("\"votes\"") && !json.contains("\"blocks\""), "{json}");
    }
}
