//! The files of a case: SSZ compressed with snappy's block format (`*.ssz_snappy`) and YAML.
//! Writing is deterministic (the same values give the same bytes); reading records every path
//! it touched, so a run can name the files no handler read.
use crate::Error;
use rainbow_types::ssz::{Decode, Encode};
use serde::{de::DeserializeOwned, Serialize};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Writes the files of one case directory.
#[derive(Debug)]
pub struct CaseWriter {
    dir: PathBuf,
}

impl CaseWriter {
    /// Creates `dir` (and its parents).
    pub fn create(dir: PathBuf) -> Result<Self, Error> {
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(Self { dir })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `<name>.ssz_snappy`: the SSZ encoding of `value`, snappy block-compressed.
    pub fn ssz<T: Encode>(&self, name: &str, value: &T) -> Result<(), Error> {
        self.ssz_bytes(name, &value.as_ssz_bytes())
    }

    /// `<name>.ssz_snappy` from raw SSZ bytes.
    pub fn ssz_bytes(&self, name: &str, bytes: &[u8]) -> Result<(), Error> {
        let compressed = snap::raw::Encoder::new()
            .compress_vec(bytes)
            .map_err(|e| Error::Format(format!("{name}: snappy: {e}")))?;
        self.write(&format!("{name}.ssz_snappy"), &compressed)
    }

    /// `<name>.yaml`.
    pub fn yaml<T: Serialize>(&self, name: &str, value: &T) -> Result<(), Error> {
        let text =
            serde_yaml::to_string(value).map_err(|e| Error::Format(format!("{name}.yaml: {e}")))?;
        self.write(&format!("{name}.yaml"), quote_hex(&text).as_bytes())
    }

    fn write(&self, file: &str, bytes: &[u8]) -> Result<(), Error> {
        let path = self.dir.join(file);
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))
    }
}

/// Single-quotes plain `0x…` scalars. serde_yaml writes them bare, and YAML 1.1 readers (PyYAML)
/// take a bare `0x…` for an integer; quoted, every reader sees the string consensus-spec-tests
/// writes.
fn quote_hex(text: &str) -> String {
    let is_hex =
        |s: &str| s.strip_prefix("0x").is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit()));
    let mut out = String::with_capacity(text.len().saturating_add(64));
    for line in text.lines() {
        let trimmed = line.trim_start();
        let value_at = match line.rfind(": ") {
            Some(i) => Some(i.saturating_add(2)),
            None if trimmed.starts_with("- ") => {
                Some(line.len().saturating_sub(trimmed.len()).saturating_add(2))
            }
            // A document that is one scalar (a `Transaction`'s bytes).
            None if line == trimmed => Some(0),
            None => None,
        };
        match value_at.and_then(|i| line.get(i..).map(|v| (i, v))) {
            Some((i, value)) if is_hex(value) => {
                out.push_str(line.get(..i).unwrap_or_default());
                out.push('\'');
                out.push_str(value);
                out.push('\'');
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

/// Every file a run read, shared by all the cases of the run.
#[derive(Debug, Clone, Default)]
pub struct AccessLog(Arc<Mutex<BTreeSet<PathBuf>>>);

impl AccessLog {
    fn record(&self, path: &Path) {
        if let Ok(mut seen) = self.0.lock() {
            seen.insert(path.to_path_buf());
        }
    }

    /// The paths read so far.
    pub fn paths(&self) -> BTreeSet<PathBuf> {
        self.0.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

/// Reads the files of one case directory, logging each read.
#[derive(Debug, Clone)]
pub struct CaseReader {
    dir: PathBuf,
    log: AccessLog,
}

impl CaseReader {
    pub fn new(dir: PathBuf, log: AccessLog) -> Self {
        Self { dir, log }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether `<file>` exists (a check, not a read).
    pub fn has(&self, file: &str) -> bool {
        self.dir.join(file).is_file()
    }

    /// The raw bytes of `file`.
    pub fn bytes(&self, file: &str) -> Result<Vec<u8>, Error> {
        let path = self.dir.join(file);
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        self.log.record(&path);
        Ok(bytes)
    }

    /// The SSZ bytes of `<name>.ssz_snappy`, decompressed.
    pub fn ssz_bytes(&self, name: &str) -> Result<Vec<u8>, Error> {
        let compressed = self.bytes(&format!("{name}.ssz_snappy"))?;
        snap::raw::Decoder::new()
            .decompress_vec(&compressed)
            .map_err(|e| Error::Format(format!("{name}.ssz_snappy: snappy: {e}")))
    }

    /// `<name>.ssz_snappy` decoded as `T`.
    pub fn ssz<T: Decode>(&self, name: &str) -> Result<T, Error> {
        T::from_ssz_bytes(&self.ssz_bytes(name)?)
            .map_err(|e| Error::Format(format!("{name}.ssz_snappy: SSZ: {e:?}")))
    }

    /// `<name>.ssz_snappy` when present.
    pub fn ssz_opt<T: Decode>(&self, name: &str) -> Result<Option<T>, Error> {
        if self.has(&format!("{name}.ssz_snappy")) {
            self.ssz(name).map(Some)
        } else {
            Ok(None)
        }
    }

    /// `<name>.yaml` decoded as `T`.
    pub fn yaml<T: DeserializeOwned>(&self, name: &str) -> Result<T, Error> {
        let bytes = self.bytes(&format!("{name}.yaml"))?;
        serde_yaml::from_slice(&bytes).map_err(|e| Error::Format(format!("{name}.yaml: {e}")))
    }

    /// `<name>.yaml` when present.
    pub fn yaml_opt<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Error> {
        if self.has(&format!("{name}.yaml")) {
            self.yaml(name).map(Some)
        } else {
            Ok(None)
        }
    }
}
