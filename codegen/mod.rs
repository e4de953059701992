//! The generation pipeline: spec text in, formatted Rust source out.
//!
//! Shared, as source, by `build.rs` (which writes the result into `OUT_DIR`) and by `xtask` (which
//! checks specs and prints generated code), so both always run the same steps: parse, normalise
//! with the passes in [`passes::PASSES`], generate with progenitor, format with prettyplease.
//! It is a plain module rather than a crate so that publishing `vonage-verify` does not require
//! publishing the generator too.

pub mod apis;
pub mod generate;
pub mod load;
pub mod overlay;
pub mod passes;
pub mod walk;
pub mod xml;

use std::fmt;

pub use generate::Operation;
pub use overlay::Overlay;

/// Knobs of the pipeline that are not read from the spec itself.
#[derive(Debug, Clone)]
pub struct Config {
    /// Body fields and query parameters that carry credentials, in addition to the ones a spec's
    /// `apiKey` security schemes name; they are removed so the auth layer alone supplies them.
    pub credential_fields: Vec<String>,
    /// Name of the component schema that every error response is pointed at.
    pub problem_schema: String,
    /// Rust path of the type that progenitor stores in each generated `Client` for the hooks.
    pub inner_type: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            credential_fields: vec!["api_key".into(), "api_secret".into()],
            problem_schema: "Problem".into(),
            inner_type: "crate::transport::Transport".into(),
        }
    }
}

/// What one run of the pipeline produces.
#[derive(Debug)]
pub struct Generated {
    /// The formatted client module (types, builders and `Client`).
    pub code: String,
    /// Every operation the client exposes, in spec order.
    pub operations: Vec<Operation>,
    /// One line per overlay action (what it did), then one per change a pass made, each
    /// prefixed with the action's or the pass's name.
    pub notes: Vec<String>,
    /// The XML form of each operation that declares XML replies, from the spec as written.
    pub xml: Vec<xml::Shape>,
}

/// Why the pipeline could not produce code for a spec.
#[derive(Debug)]
pub enum PipelineError {
    /// The text is neither JSON nor YAML describing an OpenAPI document.
    Parse(String),
    /// The document is well formed but cannot be generated (version, missing ids, ...).
    Unsupported(String),
    /// progenitor refused the normalised document or panicked on it.
    Generate(String),
    /// An overlay cannot be read, or one of its actions selects nothing.
    Overlay(String),
    /// The generated tokens did not parse as a Rust file.
    Format(String),
}

impl fmt::Display for PipelineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Parse(m) => write!(f, "cannot parse the spec: {m}"),
            Self::Unsupported(m) => write!(f, "unsupported spec: {m}"),
            Self::Generate(m) => write!(f, "progenitor failed on the normalised spec: {m}"),
            Self::Overlay(m) => write!(f, "overlay: {m}"),
            Self::Format(m) => write!(f, "generated code does not parse: {m}"),
        }
    }
}

impl std::error::Error for PipelineError {}

/// The spec as the pipeline sees it: `text` (JSON or YAML) with `overlays` applied, in order;
/// and what each overlay action did, by name.
pub fn effective(
    text: &str,
    overlays: &[Overlay],
) -> Result<(serde_norway::Value, Vec<(String, overlay::Outcome)>), PipelineError> {
    let mut doc = load::value(text)?;
    let outcomes = overlay::apply(&mut doc, overlays)?;
    Ok((doc, outcomes))
}

/// Runs the whole pipeline on the text of a spec (JSON or YAML): overlays, normalisation,
/// generation, formatting.
pub fn run(text: &str, overlays: &[Overlay], config: &Config) -> Result<Generated, PipelineError> {
    let (value, outcomes) = effective(text, overlays)?;
    let mut notes: Vec<String> = outcomes
        .into_iter()
        .map(|(name, outcome)| format!("overlay {name}: {outcome}"))
        .collect();
    // Read before normalising: the passes keep only the JSON replies progenitor generates (and
    // openapiv3 drops `xml` annotations).
    let json = serde_json::to_value(&value).map_err(|e| PipelineError::Parse(e.to_string()))?;
    let xml = xml::shapes(&json);
    let mut doc = load::parse_value(value)?;
    notes.extend(passes::normalise(&mut doc, config));
    let operations = generate::operations(&doc)?;
    let code = generate::client_source(&doc, config)?;
    Ok(Generated {
        code,
        operations,
        notes,
        xml,
    })
}
