//! Rewrites of the code progenitor generates, for what none of its settings reach. Each is a
//! `syn` pass over the generated file that changes only the statements it recognises, keeps
//! the behaviour the spec asks for, and reports how many places it changed.

mod api_version;
mod decoder;
mod header_map;
mod patterns;

pub use api_version::drop_api_version_header;
pub use decoder::decode_without_copying_headers;
pub use header_map::drop_empty_header_maps;
pub use patterns::check_simple_patterns_inline;

use super::{Config, PipelineError};

/// A rewrite, as `cargo xtask specs passes` lists it.
pub struct Rewrite {
    /// The name its notes carry.
    pub name: &'static str,
    /// What it changes in the generated code, in one line.
    pub changes: &'static str,
}

/// Every rewrite, in the order [`apply`] runs them.
pub const REWRITES: &[Rewrite] = &[
    Rewrite {
        name: "drop_api_version_header",
        changes: "removes the `api-version` header progenitor adds; Vonage defines none",
    },
    Rewrite {
        name: "drop_empty_header_maps",
        changes: "removes the header map of operations without header parameters",
    },
    Rewrite {
        name: "check_simple_patterns_inline",
        changes: "checks a pattern that is one character class repeated without a regex",
    },
    Rewrite {
        name: "decode_without_copying_headers",
        changes: "decodes JSON replies with the configured decoder, which moves the headers",
    },
];

/// Runs every rewrite on `file`, in order; one note per rewrite that changed something.
pub fn apply(file: &mut syn::File, config: &Config) -> Result<Vec<String>, PipelineError> {
    let decoder: Option<syn::Path> = match &config.response_decoder {
        Some(path) => Some(
            syn::parse_str(path)
                .map_err(|e| PipelineError::Unsupported(format!("response decoder {path}: {e}")))?,
        ),
        None => None,
    };
    let mut notes = Vec::new();
    let mut note = |name: &str, changed: usize| {
        if changed > 0 {
            notes.push(format!("{name}: {changed} places"));
        }
    };
    note("drop_api_version_header", drop_api_version_header(file));
    // After the header above is gone, most operations' header maps are empty.
    note("drop_empty_header_maps", drop_empty_header_maps(file));
    note(
        "check_simple_patterns_inline",
        check_simple_patterns_inline(file),
    );
    if let Some(decoder) = &decoder {
        note(
            "decode_without_copying_headers",
            decode_without_copying_headers(file, decoder),
        );
    }
    Ok(notes)
}

/// Whether `expr` is the bare path `name`.
fn is_ident(expr: &syn::Expr, name: &str) -> bool {
    matches!(expr, syn::Expr::Path(path) if path.qself.is_none() && path.path.is_ident(name))
}

#[cfg(test)]
mod tests;
