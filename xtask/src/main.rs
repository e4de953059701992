//! Project automation (`cargo xtask ...`), in the cargo-xtask style: plain Rust, no extra tools.
//!
//! - `specs check [--api v1|v2] [--from PATH]`: run the generation pipeline (normalise and
//!   generate, no crate build) on the given spec, or on the crate's own specs, and report.
//! - `specs passes`: list the normalisation passes and the quirk each one fixes.

#[path = "../../codegen/mod.rs"]
mod codegen;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str =
    "usage: cargo xtask specs check [--api v1|v2] [--from PATH]\n       cargo xtask specs passes";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["specs", "passes"] => {
            for pass in codegen::passes::PASSES {
                println!("{:<16} {}", pass.name, pass.fixes);
            }
            Ok(())
        }
        ["specs", "check", rest @ ..] => {
            parse_check(rest).and_then(|(api, from)| specs_check(api, from))
        }
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn parse_check<'a>(mut rest: &[&'a str]) -> Result<(Option<&'a str>, Option<&'a str>), String> {
    let (mut api, mut from) = (None, None);
    while let [flag, value, tail @ ..] = rest {
        match *flag {
            "--api" if matches!(*value, "v1" | "v2") => api = Some(*value),
            "--from" => from = Some(*value),
            _ => return Err(format!("unexpected `{flag} {value}`\n{USAGE}")),
        }
        rest = tail;
    }
    if !rest.is_empty() {
        return Err(format!("unexpected `{}`\n{USAGE}", rest.join(" ")));
    }
    Ok((api, from))
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// Runs the pipeline on each requested spec and prints what the passes did.
fn specs_check(api: Option<&str>, from: Option<&str>) -> Result<(), String> {
    let targets: Vec<PathBuf> = match (api, from) {
        (_, Some(path)) => vec![PathBuf::from(path)],
        (Some(api), None) => vec![workspace_root().join(format!("specs/verify-{api}.yml"))],
        (None, None) => ["v1", "v2"]
            .iter()
            .map(|a| workspace_root().join(format!("specs/verify-{a}.yml")))
            .filter(|p| p.exists())
            .collect(),
    };
    let mut failures = 0;
    for path in &targets {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        match codegen::run(&text, &codegen::Config::default()) {
            Ok(out) => {
                println!(
                    "{}: ok, {} operations, {} lines generated",
                    path.display(),
                    out.operations.len(),
                    out.code.lines().count()
                );
                for note in &out.notes {
                    println!("  {note}");
                }
                for shape in &out.xml {
                    println!(
                        "  xml: {} replies as <{}>",
                        shape.operation,
                        shape.roots.join("> or <")
                    );
                }
            }
            Err(e) => {
                failures += 1;
                println!("{}: FAILED: {e}", path.display());
            }
        }
    }
    if failures == 0 {
        Ok(())
    } else {
        Err(format!("{failures} spec(s) failed the check"))
    }
}
