//! Rewrites of the code progenitor generates, for what none of its settings reach. Each is a
//! `syn` pass over the generated file that changes only the code it recognises, keeps the
//! behaviour the spec asks for, and reports how many places it changed.

mod api_version;
mod decoder;
mod header_map;
mod path;
mod patterns;

pub use api_version::drop_api_version_header;
pub use decoder::decode_without_copying_headers;
pub use header_map::drop_empty_header_maps;
pub use path::encode_paths_in_place;
pub use patterns::check_simple_patterns_inline;

use super::{Config, PipelineError};

/// One rewrite: its name, what it changes, and the change itself.
pub struct Rewrite {
    /// The name its notes carry.
    pub name: &'static str,
    /// What it changes in the generated code, in one line (`cargo xtask specs passes`).
    pub changes: &'static str,
    /// Changes `file`; returns in how many places.
    pub run: fn(&mut syn::File, &Settings) -> usize,
}

/// What the rewrites read from the pipeline's [`Config`].
pub struct Settings {
    /// The decoder replies are sent to; `None` keeps progenitor's.
    pub decoder: Option<syn::Path>,
    /// The path-parameter encoder; `None` keeps progenitor's.
    pub path_encoder: Option<syn::Path>,
}

/// Every rewrite, in the order [`apply`] runs them.
pub const REWRITES: &[Rewrite] = &[
    Rewrite {
        name: "drop_api_version_header",
        changes: "removes the `api-version` header progenitor adds; Vonage defines none",
        run: |file, _| drop_api_version_header(file),
    },
    // After the header above is gone, most operations' header maps are empty.
    Rewrite {
        name: "drop_empty_header_maps",
        changes: "removes the header map of operations without header parameters",
        run: |file, _| drop_empty_header_maps(file),
    },
    Rewrite {
        name: "check_simple_patterns_inline",
        changes: "checks a pattern that is one character class repeated without a regex",
        run: |file, _| check_simple_patterns_inline(file),
    },
    Rewrite {
        name: "decode_without_copying_headers",
        changes: "decodes JSON replies with the configured decoder, which moves the headers",
        run: |file, settings| {
            settings
                .decoder
                .as_ref()
                .map_or(0, |decoder| decode_without_copying_headers(file, decoder))
        },
    },
    Rewrite {
        name: "encode_paths_in_place",
        changes: "percent-encodes path parameters as the URL is formatted, without copies",
        run: |file, settings| {
            settings
                .path_encoder
                .as_ref()
                .map_or(0, |encoder| encode_paths_in_place(file, encoder))
        },
    },
];

/// Runs every rewrite on `file`, in order; one note per rewrite that changed something.
pub fn apply(file: &mut syn::File, config: &Config) -> Result<Vec<String>, PipelineError> {
    let parse_path = |what: &str, text: &Option<String>| {
        text.as_deref()
            .map(|text| {
                syn::parse_str(text).map_err(|e| {
                    PipelineError::Unsupported(format!("the {what} {text:?} is not a path: {e}"))
                })
            })
            .transpose()
    };
    let settings = Settings {
        decoder: parse_path("response decoder", &config.response_decoder)?,
        path_encoder: parse_path("path encoder", &config.path_encoder)?,
    };
    Ok(REWRITES
        .iter()
        .filter_map(|rewrite| match (rewrite.run)(file, &settings) {
            0 => None,
            1 => Some(format!("{}: 1 place", rewrite.name)),
            n => Some(format!("{}: {n} places", rewrite.name)),
        })
        .collect())
}

/// Whether the last segments of `path` are `names`, none of them with generic arguments.
fn path_ends_with(path: &syn::Path, names: &[&str]) -> bool {
    let Some(skip) = path.segments.len().checked_sub(names.len()) else {
        return false;
    };
    path.segments
        .iter()
        .skip(skip)
        .zip(names)
        .all(|(segment, name)| segment.ident == name && segment.arguments.is_none())
}

/// Whether `expr` is the bare path `name`.
fn is_ident(expr: &syn::Expr, name: &str) -> bool {
    matches!(expr, syn::Expr::Path(path) if path.qself.is_none() && path.path.is_ident(name))
}

#[cfg(test)]
mod tests;
