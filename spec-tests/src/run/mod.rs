//! `rainbow spec-tests run DIR`: finds every case under `DIR/tests/`, runs it, tallies passes
//! and failures per `runner/handler`, and lists every file under `DIR/tests/` that no case read
//! (a case the runner skipped silently would otherwise look like a pass).
mod general;
mod state;

use crate::io::{AccessLog, CaseReader};
use crate::{Error, PresetName};
use rainbow_types::{EthSpec, MainnetEthSpec, MinimalEthSpec};
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// Pass and fail counts of one `runner/handler`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub passed: usize,
    pub failed: usize,
}

/// What a run found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// By `<preset>/<runner>/<handler>`.
    pub tallies: BTreeMap<String, Tally>,
    /// Each failed case with its reason.
    pub failures: Vec<(PathBuf, String)>,
    /// Files under `tests/` no case read.
    pub unread: Vec<PathBuf>,
}

impl Report {
    pub fn passed(&self) -> usize {
        self.tallies.values().map(|t| t.passed).sum()
    }

    pub fn failed(&self) -> usize {
        self.tallies.values().map(|t| t.failed).sum()
    }

    /// No failure, no unread file, and at least one case.
    pub fn ok(&self) -> bool {
        self.failed() == 0 && self.unread.is_empty() && self.passed() > 0
    }
}

/// One case directory: `tests/<preset>/<fork>/<runner>/<handler>/<suite>/<case>/`.
#[derive(Debug, Clone)]
pub struct CasePath {
    pub preset: String,
    pub fork: String,
    pub runner: String,
    pub handler: String,
    pub dir: PathBuf,
}

fn subdirs(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        if path.is_dir() {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

fn name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Every case directory under `root` (which holds `tests/`), in path order.
pub fn find_cases(root: &Path) -> Result<Vec<CasePath>, Error> {
    let tests = root.join("tests");
    if !tests.is_dir() {
        return Err(Error::Format(format!(
            "{} has no tests/ directory (give the directory that holds tests/<preset>/…)",
            root.display()
        )));
    }
    let mut cases = Vec::new();
    for preset in subdirs(&tests)? {
        for fork in subdirs(&preset)? {
            for runner in subdirs(&fork)? {
                for handler in subdirs(&runner)? {
                    for suite in subdirs(&handler)? {
                        for case in subdirs(&suite)? {
                            cases.push(CasePath {
                                preset: name(&preset),
                                fork: name(&fork),
                                runner: name(&runner),
                                handler: name(&handler),
                                dir: case,
                            });
                        }
                    }
                }
            }
        }
    }
    Ok(cases)
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), Error> {
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        if path.is_dir() {
            files_under(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// Runs one case; `Err` is the reason it failed.
fn run_case(case: &CasePath, reader: &CaseReader) -> Result<(), Error> {
    match (case.preset.as_str(), case.runner.as_str()) {
        ("general", "bls") => general::bls(&case.handler, reader),
        (preset, "shuffling") => general::shuffling(preset, reader),
        (preset, _) if case.fork == "rainbow" => match PresetName::parse(preset) {
            Some(PresetName::Minimal) => state::run::<MinimalEthSpec>(case, reader),
            Some(PresetName::Mainnet) => state::run::<MainnetEthSpec>(case, reader),
            None => Err(Error::Format(format!("unknown preset {preset:?}"))),
        },
        _ => Err(Error::Format(format!(
            "no runner for {}/{}/{} (this runner knows tests/<preset>/rainbow/*, \
             tests/general/*/bls and tests/<preset>/*/shuffling)",
            case.preset, case.fork, case.runner
        ))),
    }
}

/// Runs every case under `root/tests`. `progress` hears one line per runner as it starts.
pub fn run(root: &Path, progress: &mut dyn FnMut(&str)) -> Result<Report, Error> {
    let cases = find_cases(root)?;
    let log = AccessLog::default();
    let mut report = Report::default();
    let mut last = String::new();
    for case in &cases {
        let key = format!("{}/{}/{}", case.preset, case.runner, case.handler);
        let runner = format!("{}/{}", case.preset, case.runner);
        if runner != last {
            progress(&runner);
            last = runner;
        }
        let reader = CaseReader::new(case.dir.clone(), log.clone());
        let result = catch_unwind(AssertUnwindSafe(|| run_case(case, &reader)))
            .unwrap_or_else(|_| Err(Error::mismatch("the implementation panicked")));
        let tally = report.tallies.entry(key).or_default();
        match result {
            Ok(()) => tally.passed = tally.passed.saturating_add(1),
            Err(e) => {
                tally.failed = tally.failed.saturating_add(1);
                report.failures.push((case.dir.clone(), e.to_string()));
            }
        }
    }
    let read = log.paths();
    let mut all = Vec::new();
    files_under(&root.join("tests"), &mut all)?;
    all.sort();
    report.unread = all.into_iter().filter(|p| !read.contains(p)).collect();
    Ok(report)
}

/// The default configuration of `E`'s preset.
pub(crate) fn default_spec<E: EthSpec>() -> rainbow_state_transition::ChainSpec {
    rainbow_state_transition::ChainSpec::default_for::<E>()
}
