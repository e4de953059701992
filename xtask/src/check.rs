//! `specs check`: what a spec would do to the build, found without building the crate.
//!
//! The pipeline (normalise, generate, format) must succeed; every operation the typed layer
//! wraps (`specs/wrapped.yml`) and every generated type it names (`types::X` or `spec::X` in
//! `src/`) must still be generated; an operation nobody wraps is reported.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use crate::codegen;

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

/// Checks `text` as the spec of `api` in the workspace at `root`. With `api` `None`, only the
/// pipeline runs (a spec of neither API, or one checked for generation alone).
pub fn check(root: &Path, api: Option<&str>, text: &str) -> Report {
    let mut report = Report::default();
    let generated = match codegen::run(text, &codegen::Config::default()) {
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
    report
        .summary
        .extend(generated.notes.iter().map(|note| format!("  {note}")));
    report.summary.extend(generated.xml.iter().map(|shape| {
        format!(
            "  xml: {} replies as <{}>",
            shape.operation,
            shape.roots.join("> or <")
        )
    }));
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

    // Generated type names the hand-written code uses, as far as the current spec defines them
    // (`spec::Operation` and the like are not generated and are skipped this way).
    let current = std::fs::read_to_string(root.join(format!("specs/verify-{api}.yml")))
        .map_err(|e| e.to_string())
        .and_then(|text| {
            codegen::run(&text, &codegen::Config::default()).map_err(|e| e.to_string())
        });
    match (current, used_type_names(&root.join("src"))) {
        (Ok(current), Ok(used)) => {
            let before = generated_types(&current.code);
            let after = generated_types(&generated.code);
            for (name, files) in &used {
                if before.contains(name) && !after.contains(name) {
                    report.error(format!(
                        "generated type `{name}` is gone, but {} use(s) it",
                        files.iter().cloned().collect::<Vec<_>>().join(", ")
                    ));
                }
            }
        }
        (Err(error), _) => report.error(format!("the current {api} spec: {error}")),
        (_, Err(error)) => report.error(error),
    }
    report
}

/// `specs/wrapped.yml` for `api`: generated method name to the typed methods wrapping it.
pub fn wrapped(root: &Path, api: &str) -> Result<BTreeMap<String, Vec<String>>, String> {
    let path = root.join("specs/wrapped.yml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut all: BTreeMap<String, BTreeMap<String, Vec<String>>> =
        serde_norway::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(all.remove(api).unwrap_or_default())
}

/// The names of the structs, enums and aliases in the generated `types` module.
fn generated_types(code: &str) -> BTreeSet<String> {
    let Ok(file) = syn::parse_file(code) else {
        return BTreeSet::new();
    };
    let mut names = BTreeSet::new();
    for item in &file.items {
        if let syn::Item::Mod(module) = item
            && module.ident == "types"
            && let Some((_, items)) = &module.content
        {
            for item in items {
                match item {
                    syn::Item::Struct(s) => names.insert(s.ident.to_string()),
                    syn::Item::Enum(e) => names.insert(e.ident.to_string()),
                    syn::Item::Type(t) => names.insert(t.ident.to_string()),
                    _ => false,
                };
            }
        }
    }
    names
}

/// Every `types::Name` and `spec::Name` in the hand-written sources under `src`, with the files
/// that use it. The generated modules (`raw.rs`) are skipped.
fn used_type_names(src: &Path) -> Result<BTreeMap<String, BTreeSet<String>>, String> {
    let mut used: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") || path.ends_with("raw.rs") {
                continue;
            }
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let shown = path
                .strip_prefix(src.parent().unwrap_or(src))
                .unwrap_or(&path)
                .display()
                .to_string();
            for prefix in ["types::", "spec::"] {
                for (at, _) in text.match_indices(prefix) {
                    let preceded = text[..at]
                        .chars()
                        .next_back()
                        .is_some_and(|c| c.is_alphanumeric() || c == '_');
                    let name: String = text[at + prefix.len()..]
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !preceded && name.starts_with(|c: char| c.is_ascii_uppercase()) {
                        used.entry(name).or_default().insert(shown.clone());
                    }
                }
            }
        }
    }
    Ok(used)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_generated_types_the_typed_layer_uses() {
        let root = crate::workspace_root();
        let used = used_type_names(&root.join("src")).unwrap();
        assert!(used.contains_key("VerifyRequest"), "{used:?}");
        assert!(used.contains_key("VerifyResource"), "{used:?}");
        assert!(
            used["VerifyResource"]
                .iter()
                .any(|f| f.ends_with("payload.rs"))
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
