//! `specs check`: what a spec would do to the build, found without building the crate.
//!
//! The pipeline (normalise, generate, format) must succeed; every operation the typed layer
//! wraps (`specs/wrapped.yml`) must still be generated, and so must every type, field, variant,
//! setter and method of the generated code that the hand-written code reaches (see
//! [`surface`]); an operation nobody wraps is reported.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::{codegen, surface};

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The crate would build, but something is missing (an operation with no typed method).
    Warning,
    /// The crate would not build, or the spec cannot be generated.
    Error,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{label}: {}", self.message)
    }
}

/// What a check found.
#[derive(Debug, Default)]
pub struct Report {
    pub summary: Vec<String>,
    pub problems: Vec<Problem>,
}

impl Report {
    pub fn passed(&self) -> bool {
        self.problems.iter().all(|p| p.severity < Severity::Error)
    }

    fn error(&mut self, message: String) {
        self.problems.push(Problem {
            severity: Severity::Error,
            message,
        });
    }

    fn warning(&mut self, message: String) {
        self.problems.push(Problem {
            severity: Severity::Warning,
            message,
        });
    }
}

/// Checks `text` as the spec of `api` in the workspace at `root`, with that API's overlays
/// applied. With `api` `None`, only the pipeline runs, without overlays (a spec of neither
/// API, or one checked for generation alone).
pub fn check(root: &Path, api: Option<&str>, text: &str) -> Report {
    let mut report = Report::default();
    let overlays = match api
        .and_then(codegen::apis::api)
        .map(|api| api.overlays(root))
    {
        None => Vec::new(),
        Some(Ok(overlays)) => overlays,
        Some(Err(error)) => {
            report.error(error.to_string());
            return report;
        }
    };
    let generated = match codegen::run(text, &overlays, &codegen::Config::default()) {
        Ok(generated) => generated,
        Err(error) => {
            report.error(error.to_string());
            return report;
        }
    };
    report.summary.push(format!(
        "{} operations, {} lines generated",
        generated.operations.len(),
        generated.code.lines().count()
    ));
    // What each overlay adds, and what it did to this document.
    let outcomes: Vec<&str> = generated
        .notes
        .iter()
        .filter_map(|note| note.strip_prefix("overlay "))
        .collect();
    for overlay in &overlays {
        report
            .summary
            .push(format!("overlay {}: {}", overlay.source, overlay.title));
        let mut described = 0;
        for action in &overlay.actions {
            let did = outcomes
                .iter()
                .find_map(|o| o.strip_prefix(&format!("{}: ", action.name)))
                .unwrap_or("not run");
            // Our prose is one action per object described: only what did not land is news.
            if overlay.skips_missing && did.starts_with("changed") {
                described += 1;
                continue;
            }
            let why = match (&action.unless, did.starts_with("not applicable")) {
                (Some(unless), true) => format!(" ({unless} selects something)"),
                _ => String::new(),
            };
            report
                .summary
                .push(format!("  {}: {did}{why}", action.name));
            if let Some(description) = &action.description {
                report
                    .summary
                    .push(format!("    {}", first_sentence(description)));
            }
        }
        if overlay.skips_missing {
            report.summary.push(format!(
                "  ({described} of {} actions described what they target)",
                overlay.actions.len()
            ));
        }
    }
    report.summary.extend(
        generated
            .notes
            .iter()
            .filter(|note| !note.starts_with("overlay "))
            .map(|note| format!("  {note}")),
    );
    report.summary.extend(generated.xml.iter().map(|shape| {
        format!(
            "  xml: {} replies as <{}>",
            shape.operation,
            shape.roots.join("> or <")
        )
    }));
    let effective = codegen::effective(text, &overlays).map(|(doc, _)| doc);
    for operation in effective.map(redirecting_reads).unwrap_or_default() {
        let message = format!(
            "operation `{operation}` is a GET that answers with a redirect: the retry policy \
             would resend it as a read; say `x-safe: false` (it acts, as a carrier's check does) \
             or `x-safe: true`"
        );
        match api {
            Some(_) => report.error(message),
            None => report.warning(message),
        }
    }
    let Some(api) = api else {
        return report;
    };

    match wrapped(root, api) {
        Ok(wrapped) => {
            let generated_ops: BTreeSet<&str> = generated
                .operations
                .iter()
                .map(|o| o.method_name.as_str())
                .collect();
            for (operation, methods) in &wrapped {
                if !generated_ops.contains(operation.as_str()) {
                    report.error(format!(
                        "operation `{operation}` is gone, but {api}::Api::{} wraps it",
                        methods.join(", ")
                    ));
                }
            }
            for operation in &generated.operations {
                if !wrapped.contains_key(&operation.method_name) {
                    report.warning(format!(
                        "operation `{}` ({} {}) has no typed method in {api}::Api (list it in specs/wrapped.yml once it has one)",
                        operation.method_name, operation.http_method, operation.path
                    ));
                }
            }
        }
        Err(error) => report.error(error),
    }

    // What the hand-written code reaches in the generated code: anything the current spec
    // generates and the new one does not breaks the build if some file uses it.
    let current = std::fs::read_to_string(root.join(format!("specs/verify-{api}.yml")))
        .map_err(|e| e.to_string())
        .and_then(|current| {
            // Checking our own spec: nothing can be gone, and generating it again is wasted.
            if current == text {
                return Ok(None);
            }
            codegen::run(&current, &overlays, &codegen::Config::default())
                .map(Some)
                .map_err(|e| e.to_string())
        });
    match (current, hand_written(root)) {
        (Ok(None), _) => {}
        (Ok(Some(current)), Ok(sources)) => {
            let after = surface::items(&generated.code);
            let gone: Vec<surface::Item> = surface::items(&current.code)
                .into_iter()
                .filter(|item| !after.contains(item))
                .collect();
            let gone_types: BTreeSet<&str> = gone
                .iter()
                .filter_map(|item| match item {
                    surface::Item::Type(name) => Some(name.as_str()),
                    _ => None,
                })
                .collect();
            for item in &gone {
                // A type that is gone takes its fields, variants and setters with it, and a
                // variant its fields.
                let owner = match item {
                    surface::Item::Field(t, _)
                    | surface::Item::Variant(t, _)
                    | surface::Item::VariantField(t, _, _)
                    | surface::Item::TypeSetter(t, _) => Some(t.as_str()),
                    _ => None,
                };
                if owner.is_some_and(|t| gone_types.contains(t)) {
                    continue;
                }
                if let surface::Item::VariantField(t, v, _) = item
                    && gone.contains(&surface::Item::Variant(t.clone(), v.clone()))
                {
                    continue;
                }
                let users = surface::users(item, &sources);
                if !users.is_empty() {
                    report.error(format!(
                        "{item} is gone, but {} {} it",
                        users.join(", "),
                        if users.len() == 1 { "uses" } else { "use" }
                    ));
                }
            }
        }
        (Err(error), _) => report.error(format!("the current {api} spec: {error}")),
        (_, Err(error)) => report.error(error),
    }
    report
}

/// The `operationId`s of GET and HEAD operations that declare a redirect (a 3xx reply) and do
/// not say with `x-safe` whether they only read. A read of an API does not send its caller
/// elsewhere; a URL that does is a step of some flow, and sending it twice may act twice.
fn redirecting_reads(doc: serde_norway::Value) -> Vec<String> {
    let Ok(mut doc) = codegen::load::parse_value(doc) else {
        return Vec::new();
    };
    codegen::walk::operations_mut(&mut doc)
        .into_iter()
        .filter(|(_, method, op)| {
            matches!(*method, "get" | "head")
                && !op
                    .extensions
                    .contains_key(codegen::generate::SAFE_EXTENSION)
                && op.responses.responses.keys().any(|status| {
                    matches!(status, openapiv3::StatusCode::Code(code) if (300..400).contains(code))
                        || matches!(status, openapiv3::StatusCode::Range(3))
                })
        })
        .map(|(path, method, op)| {
            op.operation_id
                .clone()
                .unwrap_or_else(|| format!("{} {path}", method.to_uppercase()))
        })
        .collect()
}

/// The text up to its first full stop.
fn first_sentence(text: &str) -> &str {
    match text.find(". ") {
        Some(end) => &text[..=end],
        None => text,
    }
}

/// `specs/wrapped.yml` for `api`: generated method name to the typed methods wrapping it.
pub fn wrapped(root: &Path, api: &str) -> Result<BTreeMap<String, Vec<String>>, String> {
    let path = root.join("specs/wrapped.yml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut all: BTreeMap<String, BTreeMap<String, Vec<String>>> =
        serde_norway::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(all.remove(api).unwrap_or_default())
}

/// The hand-written sources under `src`, by path from the workspace root; the generated
/// modules (`raw.rs`) are left out.
/// The hand-written Rust that reaches the generated clients: the crate's `src/` and the mock
/// crate's (`mock/src/`, which reads requests through the generated types), keyed by path
/// from the workspace root.
fn hand_written(root: &Path) -> Result<surface::Sources, String> {
    let mut sources = surface::Sources::new();
    let mut stack: Vec<PathBuf> = HAND_WRITTEN
        .iter()
        .map(|dir| root.join(dir))
        .filter(|dir| dir.is_dir())
        .collect();
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("raw.rs") {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                let shown = path
                    .strip_prefix(root)
                    .unwrap_or(&path)
                    .display()
                    .to_string();
                sources.insert(shown, text);
            }
        }
    }
    Ok(sources)
}

/// Where [`hand_written`] looks, from the workspace root.
pub(crate) const HAND_WRITTEN: &[&str] = &["src", "mock/src"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_hand_written_sources_only() {
        let sources = hand_written(&crate::workspace_root()).unwrap();
        assert!(
            sources.contains_key("src/webhook/payload.rs")
                && sources.contains_key("mock/src/v2.rs"),
            "{:?}",
            sources.keys()
        );
        assert!(!sources.keys().any(|path| path.ends_with("raw.rs")));
    }

    #[test]
    fn a_get_that_redirects_must_say_whether_it_is_safe() {
        let spec = |extension: &str| {
            format!(
                "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /check:\n    get:\n      operationId: follow\n{extension}      responses:\n        '302': {{description: on}}\n  /read:\n    get:\n      operationId: read\n      responses:\n        '200': {{description: ok}}\n"
            )
        };
        let read = |text: &str| redirecting_reads(codegen::load::value(text).unwrap());
        assert_eq!(read(&spec("")), ["follow"]);
        assert!(read(&spec("      x-safe: false\n")).is_empty());
        let report = check(&crate::workspace_root(), None, &spec(""));
        assert!(report.passed(), "only a warning without --api");
        assert!(
            report.problems[0].message.contains("`follow`"),
            "{:?}",
            report.problems
        );
    }

    #[test]
    fn the_current_specs_pass() {
        let root = crate::workspace_root();
        for api in ["v1", "v2"] {
            let text =
                std::fs::read_to_string(root.join(format!("specs/verify-{api}.yml"))).unwrap();
            let report = check(&root, Some(api), &text);
            assert!(report.problems.is_empty(), "{api}: {:?}", report.problems);
        }
    }
}
