//! The written spec and the code say the same thing: every container struct has a `class` in
//! docs/spec/containers.md with the same fields in the same order, and every preset and
//! configuration key is documented.
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `(struct name, field names)` of every `pub struct` with named fields in a Rust source file.
fn structs(source: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let mut lines = source.lines();
    while let Some(line) = lines.next() {
        let Some(rest) = line.strip_prefix("pub struct ") else { continue };
        if !rest.trim_end().ends_with('{') {
            continue; // tuple or unit struct
        }
        let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let mut fields = Vec::new();
        for field_line in lines.by_ref() {
            if field_line.starts_with('}') {
                break;
            }
            if let Some(field) = field_line.trim().strip_prefix("pub ") {
                if let Some((field_name, _)) = field.split_once(':') {
                    fields.push(field_name.trim().to_string());
                }
            }
        }
        out.push((name, fields));
    }
    out
}

/// Field names of `class <name>(Container):` in the spec, in order.
fn spec_fields(spec: &str, name: &str) -> Option<Vec<String>> {
    let header = format!("class {name}(Container):");
    let start = spec.find(&header)? + header.len();
    let mut fields = Vec::new();
    for line in spec[start..].lines().skip(1) {
        if line.starts_with("```") || (!line.starts_with(' ') && !line.trim().is_empty()) {
            break;
        }
        let trimmed = line.trim();
        if trimmed.starts_with('#') || trimmed.is_empty() {
            continue;
        }
        if let Some((field, _)) = trimmed.split_once(':') {
            if field.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
                fields.push(field.to_string());
            }
        }
    }
    Some(fields)
}

#[test]
fn every_container_is_specified_with_its_fields_in_order() {
    let spec = read(&repo().join("docs/spec/containers.md"));
    let src = repo().join("beacon/types/src");
    let mut files: Vec<PathBuf> = std::fs::read_dir(src.join("containers"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.push(src.join("state.rs"));
    let mut checked = 0;
    let mut problems = Vec::new();
    for file in files {
        for (name, fields) in structs(&read(&file)) {
            match spec_fields(&spec, &name) {
                None => {
                    problems.push(format!("{name}: no `class {name}(Container)` in containers.md"))
                }
                Some(documented) if documented != fields => problems
                    .push(format!("{name}: code fields {fields:?} but spec fields {documented:?}")),
                Some(_) => checked += 1,
            }
        }
    }
    assert!(
        problems.is_empty(),
        "docs/spec/containers.md is out of date:\n{}",
        problems.join("\n")
    );
    assert!(
        checked >= 45,
        "only {checked} containers found; is the parser still reading the code?"
    );
}

#[test]
fn every_preset_and_config_key_is_documented() {
    let presets = read(&repo().join("docs/spec/presets.md"));
    let config = read(&repo().join("docs/spec/configuration.md"));
    let keys = |yaml: &str| -> Vec<String> {
        yaml.lines()
            .filter(|l| !l.starts_with('#') && l.contains(':'))
            .map(|l| l.split(':').next().unwrap().trim().to_string())
            .collect()
    };
    for key in keys(rainbow_types::preset::MAINNET_PRESET_YAML) {
        assert!(presets.contains(&format!("`{key}`")), "presets.md does not document {key}");
    }
    for key in keys(rainbow_types::config::MINIMAL_CONFIG_YAML) {
        assert!(config.contains(&format!("`{key}`")), "configuration.md does not document {key}");
    }
}
