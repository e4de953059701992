//! `specs/SOURCES.yml`: where each spec came from, when, and the SHA-256 of the file as
//! committed, so a spec cannot change without its record changing too.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const FILE: &str = "specs/SOURCES.yml";

const HEADER: &str = "\
# Where each spec in this folder came from. Written by `cargo xtask specs refresh --apply`
# (and by `cargo xtask specs record` after a hand edit); a test fails when a spec's SHA-256
# differs from the one recorded here.
";

/// One spec's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// `v1` or `v2`.
    pub api: String,
    /// The URL or file it was last refreshed from.
    pub source: String,
    /// What was done to it since, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited: Option<String>,
    /// The UTC date of the refresh or of the last recorded edit (YYYY-MM-DD).
    pub recorded: String,
    /// Hex SHA-256 of the file.
    pub sha256: String,
}

/// Every record, by file name within `specs/`.
pub type Sources = BTreeMap<String, Source>;

pub fn spec_file(api: &str) -> String {
    format!("verify-{api}.yml")
}

pub fn read(root: &Path) -> Result<Sources, String> {
    let path = root.join(FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_norway::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn render(sources: &Sources) -> Result<String, String> {
    let body = serde_norway::to_string(sources).map_err(|e| e.to_string())?;
    Ok(format!("{HEADER}{body}"))
}

pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

pub fn today() -> String {
    chrono::Utc::now().format("%Y-%m-%d").to_string()
}

/// Each spec whose bytes no longer match its record, or that has no record, as a message.
pub fn stale(root: &Path) -> Result<Vec<String>, String> {
    let sources = read(root)?;
    let mut problems = Vec::new();
    let dir = root.join("specs");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        // Overlays are ours, not copies of anyone's document: nothing to record.
        .filter(|name| {
            name.starts_with("verify-") && name.ends_with(".yml") && !name.ends_with(".overlay.yml")
        })
        .collect();
    files.sort();
    for file in &files {
        let bytes = std::fs::read(dir.join(file)).map_err(|e| format!("{file}: {e}"))?;
        match sources.get(file) {
            None => problems.push(format!("specs/{file} has no record in {FILE}")),
            Some(source) if source.sha256 != sha256(&bytes) => problems.push(format!(
                "specs/{file} changed without its record: run `cargo xtask specs record --api {}`",
                source.api
            )),
            Some(_) => {}
        }
    }
    for file in sources.keys() {
        if !files.contains(file) {
            problems.push(format!("{FILE} records specs/{file}, which does not exist"));
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The check the issue asks for: editing a spec without updating its record fails here.
    #[test]
    fn every_spec_matches_its_record() {
        let problems = stale(&crate::workspace_root()).unwrap();
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn a_changed_spec_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("specs")).unwrap();
        std::fs::write(dir.path().join("specs/verify-v1.yml"), "openapi: 3.0.3\n").unwrap();
        let mut sources = Sources::new();
        sources.insert(
            "verify-v1.yml".into(),
            Source {
                api: "v1".into(),
                source: "test".into(),
                edited: None,
                recorded: "2026-01-01".into(),
                sha256: sha256(b"openapi: 3.0.3\n"),
            },
        );
        std::fs::write(dir.path().join(FILE), render(&sources).unwrap()).unwrap();
        assert!(stale(dir.path()).unwrap().is_empty());
        std::fs::write(dir.path().join("specs/verify-v1.yml"), "openapi: 3.0.4\n").unwrap();
        let problems = stale(dir.path()).unwrap();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("changed without its record"));
    }
}
