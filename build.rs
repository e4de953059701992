//! Generates the raw API clients from the OpenAPI specs under `specs/` at compile time.
//!
//! The pipeline itself lives in `codegen/` (shared with `cargo xtask specs check`); this script
//! only picks the spec files and their overlays (`codegen/apis.rs`), runs it, and writes the
//! results into `OUT_DIR`.

// `cargo xtask` reads the parts this script does not (pass descriptions, notes).
#[allow(dead_code)]
#[path = "codegen/mod.rs"]
mod codegen;

use std::env;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=codegen");
    let root =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    for api in codegen::apis::APIS {
        if let Err(message) = build(api, &root, &out) {
            // A plain message instead of a panic backtrace: this is what users see after
            // dropping in a new spec.
            eprintln!(
                "error: vonage-verify could not generate the {} client: {message}",
                api.name
            );
            std::process::exit(1);
        }
    }
}

fn build(api: &codegen::apis::Api, root: &Path, out: &Path) -> Result<(), String> {
    println!("cargo:rerun-if-env-changed={}", api.env);
    for overlay in api.overlays {
        println!("cargo:rerun-if-changed={}", root.join(overlay).display());
    }
    let overlays = api.overlays(root).map_err(|e| e.to_string())?;
    // A relative override is taken from the package root, where cargo runs this script.
    let spec = match env::var_os(api.env) {
        Some(path) => root.join(path),
        None => root.join(api.spec),
    };
    println!("cargo:rerun-if-changed={}", spec.display());
    let text = std::fs::read_to_string(&spec).map_err(|e| format!("{}: {e}", spec.display()))?;
    let generated = codegen::run(&text, &overlays, &codegen::Config::default())
        .map_err(|e| format!("{}: {e}", spec.display()))?;
    write(
        &out.join(format!("verify_{}.rs", api.name)),
        &generated.code,
    )?;
    write(
        &out.join(format!("verify_{}_operations.rs", api.name)),
        &operations_source(&generated.operations),
    )?;
    write(
        &out.join(format!("verify_{}_xml.rs", api.name)),
        &codegen::xml::source(&generated.xml, "crate::spec::xml"),
    )
}

/// The operation list as a Rust expression of type `&[crate::spec::Operation]`.
fn operations_source(ops: &[codegen::Operation]) -> String {
    let mut s = String::from("&[\n");
    for op in ops {
        let security: Vec<String> = op
            .security
            .iter()
            .map(|kind| format!("crate::spec::Security::{kind}"))
            .collect();
        s.push_str(&format!(
            "    crate::spec::Operation {{ id: {:?}, method_name: {:?}, http_method: {:?}, path: {:?}, authenticated: {}, safe: {}, security: &[{}] }},\n",
            op.id, op.method_name, op.http_method, op.path, op.authenticated, op.safe, security.join(", ")
        ));
    }
    s.push(']');
    s
}

fn write(path: &Path, contents: &str) -> Result<(), String> {
    // Rewriting identical output would still bump the mtime and recompile the crate.
    if std::fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    std::fs::write(path, contents).map_err(|e| format!("{}: {e}", path.display()))
}
