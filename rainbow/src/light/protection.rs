//! The light operator's local protection store: what it signed per slot, kept on disk before any
//! signature leaves the process, so it never signs two different inclusion lists for one
//! `(slot, position)` nor two different certificate votes for one slot, across restarts.
use anyhow::Context;
use rainbow_types::{Root, SignatureBytes, Slot};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Records older than this many slots behind the newest are dropped. The client only ever signs
/// for the current slot, so older records can never be consulted again; keeping a few epochs
/// bounds the file (it is rewritten and synced on every signature).
const KEEP_SLOTS: u64 = 128;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Records {
    /// `"slot/position"` → (signing root, signature).
    lists: BTreeMap<String, (Root, SignatureBytes)>,
    /// slot → (signing root, signature).
    votes: BTreeMap<Slot, (Root, SignatureBytes)>,
}

#[derive(Debug)]
pub struct Protection {
    path: PathBuf,
    records: Records,
}

/// What to do about a signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Nothing signed here yet: sign (and record first).
    Sign,
    /// The same message was signed before: reuse that signature.
    Reuse(SignatureBytes),
    /// A different message was signed before: refuse.
    Refuse,
}

fn list_key(slot: Slot, position: u64) -> String {
    format!("{slot:020}/{position}")
}

impl Protection {
    pub fn open(datadir: &Path) -> anyhow::Result<Self> {
        let path = datadir.join("protection.json");
        let records = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).with_context(|| {
                format!("{} is corrupt; refusing to sign without it", path.display())
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Records::default(),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        Ok(Self { path, records })
    }

    fn decide(existing: Option<&(Root, SignatureBytes)>, root: Root) -> Decision {
        match existing {
            None => Decision::Sign,
            Some((r, sig)) if *r == root => Decision::Reuse(*sig),
            Some(_) => Decision::Refuse,
        }
    }

    pub fn check_list(&self, slot: Slot, position: u64, root: Root) -> Decision {
        Self::decide(self.records.lists.get(&list_key(slot, position)), root)
    }

    pub fn check_vote(&self, slot: Slot, root: Root) -> Decision {
        Self::decide(self.records.votes.get(&slot), root)
    }

    /// Records the lists signed for `slot` (position, root, signature) with one durable write,
    /// before any of them leaves.
    pub fn record_lists(
        &mut self,
        slot: Slot,
        lists: &[(u64, Root, SignatureBytes)],
    ) -> anyhow::Result<()> {
        for (position, root, sig) in lists {
            self.records.lists.insert(list_key(slot, *position), (*root, *sig));
        }
        self.save(slot)
    }

    pub fn record_vote(
        &mut self,
        slot: Slot,
        root: Root,
        sig: SignatureBytes,
    ) -> anyhow::Result<()> {
        self.records.votes.insert(slot, (root, sig));
        self.save(slot)
    }

    /// Writes the records durably (temporary file, fsync, rename).
    fn save(&mut self, newest: Slot) -> anyhow::Result<()> {
        let oldest = newest.saturating_sub(KEEP_SLOTS);
        self.records.votes.retain(|s, _| *s >= oldest);
        let oldest_key = format!("{oldest:020}/");
        self.records.lists.retain(|k, _| k.as_str() >= oldest_key.as_str());
        let tmp = self.path.with_extension("json.tmp");
        let mut file = std::fs::File::create(&tmp)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        file.write_all(&serde_json::to_vec(&self.records)?)?;
        file.sync_all()?;
        std::fs::rename(&tmp, &self.path)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_different_message_and_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (Root::repeat_byte(1), Root::repeat_byte(2));
        let sig = SignatureBytes::default();
        let mut p = Protection::open(dir.path()).unwrap();
        assert_eq!(p.check_list(5, 0, a), Decision::Sign);
        p.record_lists(5, &[(0, a, sig)]).unwrap();
        p.record_vote(5, b, sig).unwrap();
        let p = Protection::open(dir.path()).unwrap();
        assert_eq!(p.check_list(5, 0, a), Decision::Reuse(sig));
        assert_eq!(p.check_list(5, 0, b), Decision::Refuse);
        assert_eq!(p.check_list(5, 1, b), Decision::Sign);
        assert_eq!(p.check_vote(5, a), Decision::Refuse);
        assert_eq!(p.check_vote(5, b), Decision::Reuse(sig));
        std::fs::write(dir.path().join("protection.json"), "garbage").unwrap();
        assert!(Protection::open(dir.path()).is_err(), "never sign without the records");
    }
}
