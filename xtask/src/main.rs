//! Project automation (`cargo xtask ...`), in the cargo-xtask style: plain Rust, no extra tools.
//!
//! - `specs check [--api v1|v2] [--from URL|PATH]`: the generation pipeline on a spec (ours by
//!   default), whether the typed layer would still build on it, and which operations it does not
//!   wrap; no crate build. With `--from` and no `--api`, the pipeline only.
//! - `specs diff --api v1|v2 --from URL|PATH`: the semantic diff from our base spec to the
//!   given one, base with base (overlays apart, prose ignored); exit status 1 when there is
//!   drift, 0 when there is none, 2 on error.
//! - `specs refresh --api v1|v2 [--from URL|PATH] [--apply]`: what each overlay action is to a
//!   new version (Vonage's portal by default), its check and its diff; with `--apply`, write it
//!   (facts only) and its record if it passes and no action conflicts. Exit status 1 when the
//!   check fails or an action conflicts, 2 on any other error.
//! - `specs record --api v1|v2 [--source S] [--edited TEXT]`: record a hand-edited spec.
//! - `specs merged --api v1|v2 [--from URL|PATH] [--out FILE]`: the effective spec, our base
//!   (or the given one) with the API's overlays applied, as YAML, for other tools.
//! - `specs prose --api v1|v2 --from PATH [--out FILE]`: the descriptions, summaries and
//!   examples of a described spec as a prose overlay (`specs/verify-vN.prose.overlay.yml`),
//!   for moving prose written into a spec out of it (keep only what is in our own words).
//! - `specs passes`: the normalisation passes and the quirk each one fixes.
//! - `codegen [--out DIR]`: the generated code of both specs, to read (default `target/codegen`).
//! - `layers`: the crate's modules bottom up, and any cycle among them (exit status 1).

// `build.rs` uses parts of the pipeline this tool does not.
#[allow(dead_code)]
#[path = "../../codegen/mod.rs"]
mod codegen;

mod check;
mod diff;
mod layers;
mod prose;
mod record;
mod refresh;
mod source;
mod surface;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage:
  cargo xtask specs check   [--api v1|v2] [--from URL|PATH]
  cargo xtask specs diff    --api v1|v2 --from URL|PATH
  cargo xtask specs refresh --api v1|v2 [--from URL|PATH] [--apply]
  cargo xtask specs record  --api v1|v2 [--source TEXT] [--edited TEXT]
  cargo xtask specs merged  --api v1|v2 [--from URL|PATH] [--out FILE]
  cargo xtask specs prose   --api v1|v2 --from PATH [--out FILE]
  cargo xtask specs passes
  cargo xtask codegen [--out DIR]
  cargo xtask layers";

const APIS: [&str; 2] = ["v1", "v2"];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let root = workspace_root();
    match run(&root, &args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(root: &Path, args: &[&str]) -> Result<ExitCode, String> {
    let mut stdout = std::io::stdout();
    match args {
        ["specs", "passes"] => {
            for pass in codegen::passes::PASSES {
                println!("{:<16} {}", pass.name, pass.fixes);
            }
            Ok(ExitCode::SUCCESS)
        }
        ["specs", "check", rest @ ..] => {
            let flags = Flags::parse(rest, &["--api", "--from"], &[])?;
            let passed = specs_check(root, flags.api()?, flags.value("--from"))?;
            Ok(if passed {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        ["specs", "diff", rest @ ..] => {
            let flags = Flags::parse(rest, &["--api", "--from"], &[])?;
            let api = flags.required_api()?;
            let from = flags.required("--from")?;
            let changes = refresh::diff(root, api, from)?;
            print!("{}", diff::report(&changes));
            Ok(if changes.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        ["specs", "refresh", rest @ ..] => {
            let flags = Flags::parse(rest, &["--api", "--from"], &["--apply"])?;
            let api = flags.required_api()?;
            let outcome = refresh::refresh(
                root,
                api,
                flags.value("--from"),
                flags.set("--apply"),
                &mut stdout,
            )?;
            Ok(match outcome {
                refresh::Outcome::Reported { passed: false, .. } => ExitCode::FAILURE,
                _ => ExitCode::SUCCESS,
            })
        }
        ["specs", "record", rest @ ..] => {
            let flags = Flags::parse(rest, &["--api", "--source", "--edited"], &[])?;
            let api = flags.required_api()?;
            refresh::record_edit(root, api, flags.value("--source"), flags.value("--edited"))?;
            println!("recorded specs/{}", record::spec_file(api));
            Ok(ExitCode::SUCCESS)
        }
        ["specs", "merged", rest @ ..] => {
            let flags = Flags::parse(rest, &["--api", "--from", "--out"], &[])?;
            let api = flags.required_api()?;
            let from = flags
                .value("--from")
                .map_or_else(|| spec_path(root, api), str::to_owned);
            let text = source::fetch(&from)?;
            let (doc, notes) = codegen::effective(&text, &overlays(root, api)?)
                .map_err(|e| format!("{from}: {e}"))?;
            // What did not simply apply is news; the rest is counted.
            let changed = notes
                .iter()
                .filter(|(_, outcome)| matches!(outcome, codegen::overlay::Outcome::Changed(_)))
                .count();
            for (name, outcome) in &notes {
                if !matches!(outcome, codegen::overlay::Outcome::Changed(_)) {
                    eprintln!("overlay {name}: {outcome}");
                }
            }
            eprintln!(
                "{changed} of {} overlay actions changed the document",
                notes.len()
            );
            let yaml = source::to_yaml(&doc)?;
            match flags.value("--out") {
                Some(out) => {
                    refresh::replace(Path::new(out), &yaml)?;
                    eprintln!("wrote {out}");
                }
                None => print!("{yaml}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        ["specs", "prose", rest @ ..] => {
            let flags = Flags::parse(rest, &["--api", "--from", "--out"], &[])?;
            let api = flags.required_api()?;
            let from = flags.required("--from")?;
            let doc = codegen::load::value(&source::fetch(from)?).map_err(|e| e.to_string())?;
            let header = format!(
                "# OpenAPI Overlay 1.0 document: our descriptions and summaries of the Verify\n\
                 # {api} spec, in our own words. The base (specs/verify-{api}.yml) holds Vonage's\n\
                 # facts only, and so do our additions (specs/verify-{api}.overlay.yml); this puts\n\
                 # our prose on both, one action per object, after the additions.\n"
            );
            let text = prose::overlay(&doc, &format!("Verify {api}, described"), &header)?;
            match flags.value("--out") {
                Some(out) => refresh::replace(Path::new(out), &text)?,
                None => print!("{text}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        ["codegen", rest @ ..] => {
            let flags = Flags::parse(rest, &["--out"], &[])?;
            let out = flags
                .value("--out")
                .map_or_else(|| root.join("target/codegen"), PathBuf::from);
            for path in write_codegen(root, &out)? {
                println!("{}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        ["layers"] => {
            let (report, passed) = layers::report(root)?;
            print!("{report}");
            Ok(if passed {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        _ => Err(USAGE.to_owned()),
    }
}

/// `--name value` options and `--name` switches, each at most once.
struct Flags<'a> {
    values: BTreeMap<&'a str, &'a str>,
    switches: Vec<&'a str>,
}

impl<'a> Flags<'a> {
    fn parse(mut args: &[&'a str], options: &[&str], switches: &[&str]) -> Result<Self, String> {
        let mut flags = Flags {
            values: BTreeMap::new(),
            switches: Vec::new(),
        };
        while let [flag, rest @ ..] = args {
            if switches.contains(flag) && !flags.switches.contains(flag) {
                flags.switches.push(flag);
                args = rest;
            } else if let ([value, rest @ ..], true) = (rest, options.contains(flag)) {
                if flags.values.insert(flag, value).is_some() {
                    return Err(format!("{flag} given twice\n{USAGE}"));
                }
                args = rest;
            } else {
                return Err(format!("unexpected `{}`\n{USAGE}", args.join(" ")));
            }
        }
        Ok(flags)
    }

    fn value(&self, name: &str) -> Option<&'a str> {
        self.values.get(name).copied()
    }

    fn set(&self, name: &str) -> bool {
        self.switches.contains(&name)
    }

    fn required(&self, name: &str) -> Result<&'a str, String> {
        self.value(name)
            .ok_or_else(|| format!("{name} is required\n{USAGE}"))
    }

    fn api(&self) -> Result<Option<&'a str>, String> {
        match self.value("--api") {
            None => Ok(None),
            Some(api) if APIS.contains(&api) => Ok(Some(api)),
            Some(other) => Err(format!("--api must be v1 or v2, not `{other}`")),
        }
    }

    fn required_api(&self) -> Result<&'a str, String> {
        self.api()?
            .ok_or_else(|| format!("--api is required\n{USAGE}"))
    }
}

pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// Checks each requested spec and prints what was found; `false` if any has an error.
fn specs_check(root: &Path, api: Option<&str>, from: Option<&str>) -> Result<bool, String> {
    let targets: Vec<(Option<&str>, String)> = match (api, from) {
        (api, Some(from)) => vec![(api, from.to_owned())],
        (Some(api), None) => vec![(Some(api), spec_path(root, api))],
        (None, None) => APIS
            .iter()
            .map(|api| (Some(*api), spec_path(root, api)))
            .collect(),
    };
    let mut passed = true;
    for (api, from) in &targets {
        let text = source::fetch(from)?;
        let report = check::check(root, *api, &text);
        let verdict = if report.passed() { "ok" } else { "FAILED" };
        match api {
            Some(api) => println!("{from} (as {api}): {verdict}"),
            None => {
                println!("{from} (generation only; pass --api to check the typed layer): {verdict}")
            }
        }
        for line in report.summary.iter().map(String::as_str).chain(
            report
                .problems
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .iter()
                .map(String::as_str),
        ) {
            println!("  {line}");
        }
        passed &= report.passed();
    }
    if from.is_none() {
        for problem in record::stale(root)? {
            println!("error: {problem}");
            passed = false;
        }
    }
    Ok(passed)
}

/// The overlays of `api`, read from the workspace.
fn overlays(root: &Path, api: &str) -> Result<Vec<codegen::Overlay>, String> {
    let api = codegen::apis::api(api).ok_or_else(|| format!("no API {api}"))?;
    api.overlays(root).map_err(|e| e.to_string())
}

fn spec_path(root: &Path, api: &str) -> String {
    match codegen::apis::api(api) {
        Some(api) => root.join(api.spec).display().to_string(),
        None => root
            .join("specs")
            .join(record::spec_file(api))
            .display()
            .to_string(),
    }
}

/// Writes the generated client of each spec into `out`, returning the files written.
fn write_codegen(root: &Path, out: &Path) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut written = Vec::new();
    for api in APIS {
        let text = source::fetch(&spec_path(root, api))?;
        let overlays = overlays(root, api)?;
        let generated = codegen::run(&text, &overlays, &codegen::Config::default())
            .map_err(|e| format!("the {api} spec: {e}"))?;
        let path = out.join(format!("verify_{api}.rs"));
        refresh::replace(&path, &generated.code)?;
        written.push(path);
    }
    Ok(written)
}
