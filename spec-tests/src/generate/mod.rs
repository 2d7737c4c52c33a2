//! `rainbow spec-tests generate`: every runner's cases for one preset, written under
//! `<out>/tests/<preset>/rainbow/`. Deterministic: the same code writes the same bytes.
mod chains;
mod epoch_processing;
mod fork_choice;
pub(crate) mod light_committee;
mod lsm;
mod operations;
mod rewards;
pub(crate) mod sanity;
pub(crate) mod ssz_static;
pub(crate) mod staking;

use crate::io::CaseWriter;
use crate::{Error, PresetName};
use rainbow_types::{EthSpec, MainnetEthSpec, MinimalEthSpec, B256};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Cases written, by `runner/handler`.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub cases: BTreeMap<String, usize>,
}

impl Summary {
    pub fn total(&self) -> usize {
        self.cases.values().sum()
    }
}

/// Where cases go, and the count of each handler's.
pub(crate) struct Out<'a> {
    root: PathBuf,
    summary: Summary,
    progress: &'a mut dyn FnMut(&str),
}

impl Out<'_> {
    /// A new case directory `<runner>/<handler>/<suite>/<case>/`.
    pub(crate) fn case(
        &mut self,
        runner: &str,
        handler: &str,
        suite: &str,
        case: &str,
    ) -> Result<CaseWriter, Error> {
        let key = format!("{runner}/{handler}");
        let count = self.summary.cases.entry(key).or_default();
        *count = count.saturating_add(1);
        CaseWriter::create(self.root.join(runner).join(handler).join(suite).join(case))
    }

    pub(crate) fn progress(&mut self, message: &str) {
        (self.progress)(message);
    }
}

/// `meta.yaml` of a case that must fail: the rule it breaks, as the implementation names it.
#[derive(Debug, Serialize)]
pub(crate) struct FailMeta<'a> {
    pub rule: &'a str,
}

/// Writes every case for `preset` under `out/tests/<preset>/rainbow/`. `progress` hears one line
/// per runner.
pub fn generate(
    preset: PresetName,
    out: &Path,
    progress: &mut dyn FnMut(&str),
) -> Result<Summary, Error> {
    match preset {
        PresetName::Minimal => generate_for::<MinimalEthSpec>(preset, out, progress),
        PresetName::Mainnet => generate_for::<MainnetEthSpec>(preset, out, progress),
    }
}

fn generate_for<E: EthSpec>(
    preset: PresetName,
    out: &Path,
    progress: &mut dyn FnMut(&str),
) -> Result<Summary, Error> {
    let root = out.join("tests").join(preset.as_str()).join("rainbow");
    if root.exists() {
        return Err(Error::generate(format!(
            "{} exists; generate into an empty directory so no stale case survives",
            root.display()
        )));
    }
    let mut out = Out { root, summary: Summary::default(), progress };
    ssz_static::generate::<E>(&mut out)?;
    operations::generate::<E>(&mut out)?;
    epoch_processing::generate::<E>(&mut out)?;
    sanity::generate::<E>(&mut out)?;
    light_committee::generate::<E>(&mut out)?;
    lsm::generate::<E>(&mut out)?;
    rewards::generate::<E>(&mut out)?;
    fork_choice::generate::<E>(&mut out)?;
    Ok(out.summary)
}

/// `len` deterministic pseudo-random bytes for `label` and `index`: SHA-256 in counter mode.
pub(crate) fn stream(label: &str, index: u64, len: usize) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(len.saturating_add(32));
    let mut counter = 0u64;
    while bytes.len() < len {
        let mut input = Vec::with_capacity(label.len().saturating_add(16));
        input.extend_from_slice(label.as_bytes());
        input.extend_from_slice(&index.to_le_bytes());
        input.extend_from_slice(&counter.to_le_bytes());
        bytes.extend_from_slice(rainbow_state_transition::helpers::hash(&input).as_slice());
        counter = counter.saturating_add(1);
    }
    bytes.truncate(len);
    bytes
}

/// A deterministic 32-byte seed for `label`.
pub(crate) fn seed(label: &str) -> B256 {
    rainbow_state_transition::helpers::hash(label.as_bytes())
}
