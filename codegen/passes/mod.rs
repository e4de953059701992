//! Normalisation passes: small, generic rewrites of an `openapiv3::OpenAPI` that make published
//! Vonage specs generate a correct client. None of them is keyed to an operation or schema name;
//! each one names the quirk it fixes and has unit tests on a tiny inline spec.

pub mod base_path;
pub mod credentials;
pub mod defaults;
pub mod email_format;
pub mod error_bodies;
pub mod exact_numbers;
pub mod merge;
pub mod name_collisions;
pub mod one_of_objects;
pub mod open_enums;
pub mod pin_format;
pub mod received_bounds;
pub mod required;
pub mod tagged_unions;

use openapiv3::OpenAPI;

use super::Config;

/// A normalisation step: rewrites the document and returns one line per change it made.
pub struct Pass {
    /// Stable name, used in notes and docs.
    pub name: &'static str,
    /// The quirk the pass fixes, in one line.
    pub fixes: &'static str,
    /// The rewrite itself.
    pub run: fn(&mut OpenAPI, &Config) -> Vec<String>,
}

/// The passes, in the order they run. Order matters where one pass feeds another: credentials
/// go before `required` fixes, and enums are opened last so merged and unified schemas are
/// opened too.
pub const PASSES: &[Pass] = &[
    Pass {
        name: "base_path",
        fixes: "server URL with a base path: progenitor ignores `servers`, and `/` becomes a trailing slash",
        run: base_path::run,
    },
    Pass {
        name: "pin_format",
        fixes: "a `{format}` path parameter (json|xml) would let callers ask for XML that the JSON decoder cannot read",
        run: pin_format::run,
    },
    Pass {
        name: "name_collisions",
        fixes: "two components whose names differ only in case (`Code`, `code`) generate two types of one name",
        run: name_collisions::run,
    },
    Pass {
        name: "tagged_unions",
        fixes: "a discriminated `oneOf` of `$ref`s becomes an untagged enum whose variants each need their tag set by hand",
        run: tagged_unions::run,
    },
    Pass {
        name: "credentials",
        fixes: "credentials written as ordinary body fields and query parameters end up in every call signature",
        run: credentials::run,
    },
    Pass {
        name: "required",
        fixes: "`required` names without a property become mandatory `serde_json::Value` fields that reject real payloads",
        run: required::run,
    },
    Pass {
        name: "one_of_objects",
        fixes: "a success/error `oneOf` on one status decodes an error body as the (all-optional) success variant",
        run: one_of_objects::run,
    },
    Pass {
        name: "error_bodies",
        fixes: "different error schemas per operation make progenitor panic; problem+json bodies come back untyped",
        run: error_bodies::run,
    },
    Pass {
        name: "defaults",
        fixes: "inline `default`s become non-optional fields that are always sent (and invented on decode)",
        run: defaults::run,
    },
    Pass {
        name: "email_format",
        fixes: "`format: email` is not checked by the generated types, so anything is sent as an address",
        run: email_format::run,
    },
    Pass {
        name: "exact_numbers",
        fixes: "`type: number` (money such as a PSD2 amount) generates a lossy f32/f64",
        run: exact_numbers::run,
    },
    Pass {
        name: "received_bounds",
        fixes: "length and range checks on received fields reject a whole response over one longer id",
        run: received_bounds::run,
    },
    Pass {
        name: "open_enums",
        fixes: "closed response enums fail to decode the day Vonage adds a status or channel",
        run: open_enums::run,
    },
];

/// Runs every pass in order and collects their notes, each prefixed with the pass name.
pub fn normalise(doc: &mut OpenAPI, config: &Config) -> Vec<String> {
    let mut notes = Vec::new();
    for pass in PASSES {
        notes.extend(
            (pass.run)(doc, config)
                .into_iter()
                .map(|n| format!("{}: {n}", pass.name)),
        );
    }
    notes
}

/// Shared by the passes' tests: parse a tiny inline spec.
#[cfg(test)]
pub(crate) fn spec(yaml: &str) -> OpenAPI {
    serde_norway::from_str(yaml).expect("test spec parses")
}

/// Shared by the passes' tests: render a document (or part of it) as JSON for assertions.
#[cfg(test)]
pub(crate) fn json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).expect("serialises")
}
