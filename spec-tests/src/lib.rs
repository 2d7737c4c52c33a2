//! Conformance vectors for rainbow staking in the consensus-spec-tests layout
//! (docs/spec-tests.md): [`generate`] writes
//! `tests/<preset>/rainbow/<runner>/<handler>/<suite>/<case>/` from the state transition, and
//! [`run`] checks the implementation against any such tree, plus the standard *general* BLS and
//! shuffling formats, and names every file no case read.
//!
//! A vector is data: a pre-state, an input, and the post-state (absent when the transition must
//! fail). The generator uses the same state transition the node runs; the runner re-executes each
//! case and compares bytes and roots, so a change in a rule shows up as a failing vector until the
//! vectors are regenerated on purpose.

pub mod containers;
pub mod fork_choice;
pub mod generate;
pub mod handlers;
pub mod io;
pub mod rewards;
pub mod run;

use std::path::{Path, PathBuf};

/// What can go wrong generating or running vectors.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    /// A file that does not parse as its format says.
    #[error("{0}")]
    Format(String),
    /// The generator could not build a case (a bug in the generator, not in a vector).
    #[error("generator: {0}")]
    Generate(String),
    /// The implementation disagrees with the vector.
    #[error("{0}")]
    Mismatch(String),
}

impl Error {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io { path: path.to_path_buf(), source }
    }

    pub fn generate(what: impl std::fmt::Display) -> Self {
        Error::Generate(what.to_string())
    }

    pub fn mismatch(what: impl std::fmt::Display) -> Self {
        Error::Mismatch(what.to_string())
    }
}

/// The two presets vectors are generated for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PresetName {
    Minimal,
    Mainnet,
}

impl PresetName {
    pub fn as_str(self) -> &'static str {
        match self {
            PresetName::Minimal => "minimal",
            PresetName::Mainnet => "mainnet",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "minimal" => Some(PresetName::Minimal),
            "mainnet" => Some(PresetName::Mainnet),
            _ => None,
        }
    }
}
