//! The crate's two APIs as the pipeline knows them: where each spec and its overlays live, and
//! the variable that points the build at another copy of the spec. Shared by `build.rs` and
//! `cargo xtask`, so both apply the same overlays to the same files.

use std::path::Path;

use super::{Overlay, PipelineError, overlay};

/// One API of the crate.
#[derive(Debug)]
pub struct Api {
    /// `v1` or `v2`.
    pub name: &'static str,
    /// The base spec, from the workspace root.
    pub spec: &'static str,
    /// The overlays applied to the spec (ours or another), in order: our additions and fixes
    /// (facts only), then our prose, which describes the base and the additions alike.
    pub overlays: &'static [&'static str],
    /// The environment variable that names another copy of the spec to build from.
    pub env: &'static str,
}

pub const APIS: &[Api] = &[
    Api {
        name: "v1",
        spec: "specs/verify-v1.yml",
        overlays: &[
            "specs/verify-v1.overlay.yml",
            "specs/verify-v1.prose.overlay.yml",
        ],
        env: "VONAGE_VERIFY_SPEC_V1",
    },
    Api {
        name: "v2",
        spec: "specs/verify-v2.yml",
        overlays: &[
            "specs/verify-v2.overlay.yml",
            "specs/verify-v2.prose.overlay.yml",
        ],
        env: "VONAGE_VERIFY_SPEC_V2",
    },
];

/// The API called `name`.
pub fn api(name: &str) -> Option<&'static Api> {
    APIS.iter().find(|api| api.name == name)
}

impl Api {
    /// Reads this API's overlays from the workspace at `root`.
    pub fn overlays(&self, root: &Path) -> Result<Vec<Overlay>, PipelineError> {
        self.overlays
            .iter()
            .map(|file| {
                let path = root.join(file);
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| PipelineError::Overlay(format!("{}: {e}", path.display())))?;
                overlay::parse(&text, file)
            })
            .collect()
    }
}
