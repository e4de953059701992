//! `specs refresh` and `specs diff`: a new version of a spec, compared with ours, and (on
//! request, and only when it passes the check) written in place of ours.

use std::io::Write;
use std::path::Path;

use crate::codegen::overlay;
use crate::{check, codegen, diff, prose, record, source};

/// What `refresh` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Checked and compared; nothing written (no `--apply`). `passed` is the check's verdict,
    /// which `--apply` would act on.
    Reported {
        drift: bool,
        passed: bool,
        actions: Vec<(String, Needed)>,
    },
    /// Written to `specs/` with its record.
    Applied {
        drift: bool,
        actions: Vec<(String, Needed)>,
    },
}

/// What an overlay action is to a new version of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needed {
    /// Applying it changes the document: it adds what Vonage's document still lacks.
    Still,
    /// Applying it changes nothing: Vonage's document says it now; the action can go.
    NoLonger,
    /// The object it targets is gone: someone must rewrite or delete it.
    Conflicting,
    /// It describes (in an overlay that skips missing targets) an object that is gone: it can
    /// be deleted, and nothing depends on it.
    Orphaned,
    /// It is not for this variant of the document (its `x-unless` selects something).
    NotApplicable,
}

impl Needed {
    fn of(outcome: overlay::Outcome, skips_missing: bool) -> Self {
        match outcome {
            overlay::Outcome::Changed(_) => Needed::Still,
            overlay::Outcome::Unchanged => Needed::NoLonger,
            overlay::Outcome::NoTarget if skips_missing => Needed::Orphaned,
            overlay::Outcome::NoTarget => Needed::Conflicting,
            overlay::Outcome::NotApplicable => Needed::NotApplicable,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Needed::Still => "still needed",
            Needed::NoLonger => "no longer needed: the document says it now; delete the action",
            Needed::Conflicting => "CONFLICT: what it targets is gone; rewrite or delete it",
            Needed::Orphaned => "describes what is gone; delete the action",
            Needed::NotApplicable => "not applicable to this document",
        }
    }
}

/// Reads the source of `api` (a URL, a path, or Vonage's portal), checks it, prints the check
/// and the semantic diff against `specs/`, and with `apply` writes it there. Every failure
/// leaves `specs/` as it was.
pub fn refresh(
    root: &Path,
    api: &str,
    from: Option<&str>,
    apply: bool,
    out: &mut dyn Write,
) -> Result<Outcome, String> {
    let from = from.unwrap_or_else(|| source::default_url(api));
    let untouched = |e: String| format!("{e} (specs/ is untouched)");
    let mut new = source::parse(&source::fetch(from).map_err(untouched)?)
        .map_err(|e| untouched(format!("{from}: {e}")))?;
    // The base holds Vonage's facts; its prose stays Vonage's, ours is an overlay.
    prose::strip(&mut new);
    // The check runs on exactly the text that would be written.
    let yaml = source::to_yaml(&new).map_err(untouched)?;

    let overlays = codegen::apis::api(api)
        .ok_or_else(|| format!("no API {api}"))?
        .overlays(root)
        .map_err(|e| untouched(e.to_string()))?;
    // Each overlay's actions on the new document, in the order the build applies them.
    let mut effective = new.clone();
    let mut actions: Vec<(String, Needed)> = Vec::new();
    let mut lines = Vec::new();
    for overlay in &overlays {
        let outcomes: Vec<(String, Needed)> =
            overlay::outcomes(&mut effective, std::slice::from_ref(overlay))
                .into_iter()
                .map(|(name, outcome)| (name, Needed::of(outcome, overlay.skips_missing)))
                .collect();
        lines.push(format!("overlay {}:", overlay.source));
        // Prose is one action per object described: only the exceptions are news.
        for (name, needed) in &outcomes {
            if !(overlay.skips_missing && *needed == Needed::Still) {
                lines.push(format!("  {name}: {}", needed.label()));
            }
        }
        let still = outcomes.iter().filter(|(_, n)| *n == Needed::Still).count();
        lines.push(if overlay.skips_missing {
            format!(
                "  ({still} of {} describe what they target)",
                outcomes.len()
            )
        } else {
            format!("  ({still} of {} still needed)", outcomes.len())
        });
        actions.extend(outcomes);
    }
    let conflicts = actions
        .iter()
        .filter(|(_, needed)| *needed == Needed::Conflicting)
        .count();

    let report = check::check(root, Some(api), &yaml);
    let passed = report.passed() && conflicts == 0;
    let mut print = |line: String| writeln!(out, "{line}").map_err(|e| e.to_string());
    print(format!("overlay actions on {from}:"))?;
    for line in lines {
        print(format!("  {line}"))?;
    }
    print(format!("check of {from} as the {api} spec:"))?;
    for line in &report.summary {
        print(format!("  {line}"))?;
    }
    for problem in &report.problems {
        print(format!("  {problem}"))?;
    }

    let changes = changes_against_ours(root, api, &new)?;
    print(format!("changes from specs/{}:", record::spec_file(api)))?;
    for line in diff::report(&changes).lines() {
        print(format!("  {line}"))?;
    }
    let drift = !changes.is_empty();
    print(if passed {
        "check passed: --apply would write it".to_owned()
    } else if conflicts > 0 {
        format!("{conflicts} overlay action(s) conflict: --apply would refuse it")
    } else {
        "check FAILED: --apply would refuse it".to_owned()
    })?;

    if !apply {
        return Ok(Outcome::Reported {
            drift,
            passed,
            actions,
        });
    }
    if !passed {
        print(format!(
            "{from} fails the check, so it was not applied (specs/ is untouched)"
        ))?;
        return Ok(Outcome::Reported {
            drift,
            passed,
            actions,
        });
    }
    write_spec(root, api, from, &yaml)?;
    print(format!(
        "applied: specs/{} and {} updated",
        record::spec_file(api),
        record::FILE
    ))?;
    Ok(Outcome::Applied { drift, actions })
}

/// The semantic changes from our base spec of `api` (without its overlays) to the one at
/// `from`.
pub fn diff(root: &Path, api: &str, from: &str) -> Result<Vec<diff::Change>, String> {
    let mut new = source::parse(&source::fetch(from)?).map_err(|e| format!("{from}: {e}"))?;
    // Base with base: the overlays stay apart, and prose is not a fact.
    prose::strip(&mut new);
    changes_against_ours(root, api, &new)
}

fn changes_against_ours(
    root: &Path,
    api: &str,
    new: &serde_norway::Value,
) -> Result<Vec<diff::Change>, String> {
    let path = root.join("specs").join(record::spec_file(api));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let ours = source::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(diff::compare(
        &diff::Facts::of(&source::to_json(&ours)?),
        &diff::Facts::of(&source::to_json(new)?),
    ))
}

/// Writes the spec and its record, each through a temporary file renamed into place, so a
/// failure leaves the old files whole.
fn write_spec(root: &Path, api: &str, from: &str, yaml: &str) -> Result<(), String> {
    let mut sources = record::read(root)?;
    let file = record::spec_file(api);
    sources.insert(
        file.clone(),
        record::Source {
            api: api.to_owned(),
            source: recorded_source(from),
            edited: None,
            recorded: record::today(),
            sha256: record::sha256(yaml.as_bytes()),
        },
    );
    let sources = record::render(&sources)?;
    replace_both(
        (&root.join("specs").join(&file), yaml),
        (&root.join(record::FILE), &sources),
    )
}

/// A URL as given; a path made absolute, so the record means something later.
fn recorded_source(from: &str) -> String {
    if from.contains("://") {
        return from.to_owned();
    }
    std::fs::canonicalize(from).map_or_else(|_| from.to_owned(), |p| p.display().to_string())
}

/// Records the current bytes of a hand-edited spec.
pub fn record_edit(
    root: &Path,
    api: &str,
    source: Option<&str>,
    edited: Option<&str>,
) -> Result<(), String> {
    let mut sources = record::read(root)?;
    let file = record::spec_file(api);
    let bytes =
        std::fs::read(root.join("specs").join(&file)).map_err(|e| format!("{file}: {e}"))?;
    let previous = sources.get(&file).cloned();
    let source = source
        .map(str::to_owned)
        .or_else(|| previous.as_ref().map(|p| p.source.clone()))
        .ok_or_else(|| format!("specs/{file} has no record yet: pass --source"))?;
    sources.insert(
        file,
        record::Source {
            api: api.to_owned(),
            source,
            edited: edited
                .map(str::to_owned)
                .or_else(|| previous.and_then(|p| p.edited)),
            recorded: record::today(),
            sha256: record::sha256(&bytes),
        },
    );
    replace(&root.join(record::FILE), &record::render(&sources)?)
}

/// Writes `text` to `path` through a temporary file renamed into place.
pub(crate) fn replace(path: &Path, text: &str) -> Result<(), String> {
    let temporary = staged(path, text)?;
    std::fs::rename(&temporary, path).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        format!("cannot write {}: {e}", path.display())
    })
}

/// Writes both files to temporary ones first, so a failure there leaves both old files in
/// place, and only then renames them (renames within one folder do not fail for space).
fn replace_both(first: (&Path, &str), second: (&Path, &str)) -> Result<(), String> {
    let staged_first = staged(first.0, first.1)?;
    let staged_second = staged(second.0, second.1).inspect_err(|_| {
        let _ = std::fs::remove_file(&staged_first);
    })?;
    for (temporary, path) in [(&staged_first, first.0), (&staged_second, second.0)] {
        std::fs::rename(temporary, path).map_err(|e| {
            let _ = std::fs::remove_file(&staged_first);
            let _ = std::fs::remove_file(&staged_second);
            format!("cannot write {}: {e}", path.display())
        })?;
    }
    Ok(())
}

/// `text` in a temporary file beside `path`, named for this process.
fn staged(path: &Path, text: &str) -> Result<std::path::PathBuf, String> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| format!("{}: not a file path", path.display()))?;
    let temporary = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&temporary, text).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        format!("cannot write {}: {e}", temporary.display())
    })?;
    Ok(temporary)
}
