//! SSF fork choice (docs/spec/fork-choice.md): the block tree of valid blocks from the latest
//! finalized block, the latest round-1 SSF vote of every seat, LMD-GHOST over them, and the
//! store's justified and finalized checkpoints.
//!
//! Only blocks that passed the full state transition enter the tree (`on_block` is called after
//! import), so the head is always a valid block.
#![cfg_attr(
    not(test),
    deny(
        clippy::arithmetic_side_effects,
        clippy::indexing_slicing,
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic
    )
)]

mod import;

pub use import::on_imported_block;
use rainbow_types::{Checkpoint, Gwei, HeavyOperatorIndex, Root, Slot};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ForkChoiceError {
    #[error("block {root} has unknown parent {parent}")]
    UnknownParent { root: Root, parent: Root },
    #[error("block {root} at slot {slot} is not after its parent's slot {parent_slot}")]
    NotAfterParent { root: Root, slot: Slot, parent_slot: Slot },
    #[error("block {root} at slot {slot} is not after the finalized slot {finalized_slot}")]
    BeforeFinalized { root: Root, slot: Slot, finalized_slot: Slot },
    #[error("vote for unknown block {0}")]
    UnknownVoteTarget(Root),
    #[error("vote for block {root} at slot {block_slot} is dated slot {vote_slot}, before it")]
    VoteBeforeBlock { root: Root, block_slot: Slot, vote_slot: Slot },
    #[error("the finalized block {0} is not in the tree")]
    MissingFinalized(Root),
    #[error("fork-choice snapshot is corrupt: {0}")]
    Corrupt(String),
}

/// A valid block in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtoNode {
    pub root: Root,
    /// `None` for the anchor (the finalized block the tree starts from).
    pub parent: Option<Root>,
    pub slot: Slot,
    /// The checkpoints of the block's post-state.
    pub justified: Checkpoint,
    pub finalized: Checkpoint,
}

/// A seat's latest round-1 vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LatestVote {
    pub slot: Slot,
    pub root: Root,
}

/// The fork-choice store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForkChoice {
    nodes: HashMap<Root, ProtoNode>,
    children: HashMap<Root, Vec<Root>>,
    latest_votes: BTreeMap<HeavyOperatorIndex, LatestVote>,
    justified: Checkpoint,
    finalized: Checkpoint,
}

impl ForkChoice {
    /// A tree holding only `anchor` (the genesis block, or the finalized block a node restarts
    /// from), which is both justified and finalized.
    pub fn new(anchor_root: Root, anchor_slot: Slot) -> Self {
        let checkpoint = Checkpoint { slot: anchor_slot, root: anchor_root };
        let node = ProtoNode {
            root: anchor_root,
            parent: None,
            slot: anchor_slot,
            justified: checkpoint,
            finalized: checkpoint,
        };
        Self {
            nodes: HashMap::from([(anchor_root, node)]),
            children: HashMap::new(),
            latest_votes: BTreeMap::new(),
            justified: checkpoint,
            finalized: checkpoint,
        }
    }

    pub fn justified(&self) -> Checkpoint {
        self.justified
    }

    pub fn finalized(&self) -> Checkpoint {
        self.finalized
    }

    pub fn contains(&self, root: &Root) -> bool {
        self.nodes.contains_key(root)
    }

    pub fn node(&self, root: &Root) -> Option<&ProtoNode> {
        self.nodes.get(root)
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn latest_votes(&self) -> &BTreeMap<HeavyOperatorIndex, LatestVote> {
        &self.latest_votes
    }

    /// `on_block`: adds a valid block with its post-state's checkpoints, and moves the store's
    /// checkpoints forward when the block's are newer.
    pub fn on_block(&mut self, node: ProtoNode) -> Result<(), ForkChoiceError> {
        if self.nodes.contains_key(&node.root) {
            return Ok(());
        }
        if node.slot <= self.finalized.slot {
            return Err(ForkChoiceError::BeforeFinalized {
                root: node.root,
                slot: node.slot,
                finalized_slot: self.finalized.slot,
            });
        }
        let parent_root = node
            .parent
            .ok_or(ForkChoiceError::UnknownParent { root: node.root, parent: Root::ZERO })?;
        let parent = self
            .nodes
            .get(&parent_root)
            .ok_or(ForkChoiceError::UnknownParent { root: node.root, parent: parent_root })?;
        if node.slot <= parent.slot {
            return Err(ForkChoiceError::NotAfterParent {
                root: node.root,
                slot: node.slot,
                parent_slot: parent.slot,
            });
        }
        self.nodes.insert(node.root, node);
        self.children.entry(parent_root).or_default().push(node.root);
        self.update_checkpoints(node.justified, node.finalized);
        Ok(())
    }

    /// Moves the store's justified and finalized checkpoints forward (never back), keeping only
    /// checkpoints whose block is in the tree.
    pub fn update_checkpoints(&mut self, justified: Checkpoint, finalized: Checkpoint) {
        if justified.slot > self.justified.slot && self.nodes.contains_key(&justified.root) {
            self.justified = justified;
        }
        if finalized.slot > self.finalized.slot && self.nodes.contains_key(&finalized.root) {
            self.finalized = finalized;
            if self.justified.slot < finalized.slot {
                self.justified = finalized;
            }
        }
    }

    /// `on_justified_by_votes`: the node saw round-1 votes of 2/3 of the seat stake for
    /// `checkpoint` (its round-2 condition) before any block counted them. The store's justified
    /// checkpoint moves forward to it when its block is in the tree and descends from the
    /// finalized block, so the head stays on that checkpoint's chain: a node that voted round 2
    /// for it never follows a branch it could only vote on with an older source (a surround
    /// vote; docs/spec/fork-choice.md#on_justified_by_votes). Returns whether it moved.
    pub fn on_justified_by_votes(&mut self, checkpoint: Checkpoint) -> bool {
        if checkpoint.slot <= self.justified.slot
            || !self.nodes.contains_key(&checkpoint.root)
            || !self.is_descendant(&self.finalized.root, &checkpoint.root)
        {
            return false;
        }
        self.justified = checkpoint;
        true
    }

    /// `on_vote`: records a seat's round-1 vote for `root` dated `slot` when it is newer than the
    /// seat's latest. Votes for blocks not (yet) in the tree are refused; the caller queues them.
    pub fn on_vote(
        &mut self,
        operator: HeavyOperatorIndex,
        slot: Slot,
        root: Root,
    ) -> Result<bool, ForkChoiceError> {
        let node = self.nodes.get(&root).ok_or(ForkChoiceError::UnknownVoteTarget(root))?;
        if slot < node.slot {
            return Err(ForkChoiceError::VoteBeforeBlock {
                root,
                block_slot: node.slot,
                vote_slot: slot,
            });
        }
        match self.latest_votes.get(&operator) {
            Some(latest) if latest.slot >= slot => Ok(false),
            _ => {
                self.latest_votes.insert(operator, LatestVote { slot, root });
                Ok(true)
            }
        }
    }

    /// The ancestor of `root` at `slot` or the latest before it (`None` outside the tree).
    pub fn ancestor_at_slot(&self, root: &Root, slot: Slot) -> Option<Root> {
        let mut node = self.nodes.get(root)?;
        while node.slot > slot {
            node = self.nodes.get(&node.parent?)?;
        }
        Some(node.root)
    }

    /// Whether `descendant` is `ancestor` or descends from it.
    pub fn is_descendant(&self, ancestor: &Root, descendant: &Root) -> bool {
        let Some(a) = self.nodes.get(ancestor) else {
            return false;
        };
        self.ancestor_at_slot(descendant, a.slot) == Some(*ancestor)
    }

    /// `is_on_checkpoint_chain`: whether `root` is on the chain the checkpoint names. A
    /// checkpoint `(slot, r)` says that `r` is the chain's block at `slot`, so no block lies
    /// between `r` and `slot`: a block at or before `slot` must be `r` or an ancestor of it; a
    /// later block must have `r` as its ancestor at `slot`. A late block inside an empty-slot
    /// checkpoint descends from `r` but is not on its chain.
    pub fn is_on_checkpoint_chain(&self, checkpoint: &Checkpoint, root: &Root) -> bool {
        let Some(node) = self.nodes.get(root) else {
            return false;
        };
        if node.slot <= checkpoint.slot {
            return self.is_descendant(root, &checkpoint.root);
        }
        self.ancestor_at_slot(root, checkpoint.slot) == Some(checkpoint.root)
    }

    /// A block may lead to the head when it is on the justified checkpoint's chain: a head must
    /// build on the latest justified checkpoint.
    fn is_viable(&self, root: &Root) -> bool {
        self.is_on_checkpoint_chain(&self.justified, root)
    }

    /// `get_head`: LMD-GHOST from the finalized block. At each step go to the viable child whose
    /// subtree holds the most seat stake by latest round-1 votes (`stakes` gives each seat's
    /// weight), ties broken by the larger root, until a leaf.
    pub fn get_head(
        &self,
        stakes: &HashMap<HeavyOperatorIndex, Gwei>,
    ) -> Result<Root, ForkChoiceError> {
        let mut weights: HashMap<Root, u128> = HashMap::new();
        for (operator, vote) in &self.latest_votes {
            let stake = u128::from(stakes.get(operator).copied().unwrap_or(0));
            if stake == 0 {
                continue;
            }
            let mut cursor = self.nodes.get(&vote.root);
            while let Some(node) = cursor {
                let w = weights.entry(node.root).or_insert(0);
                *w = w.saturating_add(stake);
                cursor = node.parent.and_then(|p| self.nodes.get(&p));
            }
        }
        let mut head = self.finalized.root;
        if !self.nodes.contains_key(&head) {
            return Err(ForkChoiceError::MissingFinalized(head));
        }
        loop {
            let best = self
                .children
                .get(&head)
                .into_iter()
                .flatten()
                .filter(|c| self.is_viable(c))
                .max_by_key(|c| (weights.get(*c).copied().unwrap_or(0), **c));
            match best {
                Some(child) => head = *child,
                None => return Ok(head),
            }
        }
    }

    /// Drops every block that is not on the finalized checkpoint's chain after it (a late block
    /// inside an empty-slot checkpoint included) and the votes for them; the finalized block
    /// becomes the anchor. Returns the dropped roots.
    pub fn prune(&mut self) -> Vec<Root> {
        let finalized = self.finalized.root;
        let checkpoint = self.finalized;
        let keep: Vec<Root> = self
            .nodes
            .keys()
            .filter(|r| {
                **r == finalized
                    || (self.nodes.get(*r).is_some_and(|n| n.slot > checkpoint.slot)
                        && self.is_on_checkpoint_chain(&checkpoint, r))
            })
            .copied()
            .collect();
        let keep: std::collections::HashSet<Root> = keep.into_iter().collect();
        let dropped: Vec<Root> =
            self.nodes.keys().filter(|r| !keep.contains(*r)).copied().collect();
        for root in &dropped {
            self.nodes.remove(root);
            self.children.remove(root);
        }
        if let Some(anchor) = self.nodes.get_mut(&finalized) {
            anchor.parent = None;
        }
        self.latest_votes.retain(|_, v| keep.contains(&v.root));
        dropped
    }

    /// Every block of the tree, by slot then root.
    pub fn nodes_by_slot(&self) -> Vec<ProtoNode> {
        let mut nodes: Vec<ProtoNode> = self.nodes.values().copied().collect();
        nodes.sort_by_key(|n| (n.slot, n.root));
        nodes
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ForkChoiceError> {
        let fc: Self =
            serde_json::from_slice(bytes).map_err(|e| ForkChoiceError::Corrupt(e.to_string()))?;
        if !fc.nodes.contains_key(&fc.finalized.root) {
            return Err(ForkChoiceError::MissingFinalized(fc.finalized.root));
        }
        Ok(fc)
    }
}

#[cfg(test)]
mod tests;
