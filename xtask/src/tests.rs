//! `specs refresh` and `specs diff` against specs served on 127.0.0.1, in throwaway copies of
//! the workspace (its `specs/` and `src/`), so the real `specs/` is never written.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use httpmock::MockServer;
use serde_norway::Value;

use crate::refresh::{self, Outcome};
use crate::{record, run, source, workspace_root};

/// A copy of the workspace's `specs/` and the hand-written sources the check reads.
struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        for folder in ["specs"].iter().chain(crate::check::HAND_WRITTEN) {
            copy(&workspace_root().join(folder), &dir.path().join(folder));
        }
        Workspace { dir }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The bytes of every file under `specs/`, to show a failure left them alone.
    fn specs(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files: Vec<_> = std::fs::read_dir(self.root().join("specs"))
            .unwrap()
            .map(|entry| {
                let path = entry.unwrap().path();
                let bytes = std::fs::read(&path).unwrap();
                (path, bytes)
            })
            .collect();
        files.sort();
        files
    }
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// Our spec of `api`, parsed, for editing into a "new version".
fn ours(api: &str) -> Value {
    let text =
        std::fs::read_to_string(workspace_root().join(format!("specs/verify-{api}.yml"))).unwrap();
    source::parse(&text).unwrap()
}

/// A server that serves `body` at `/spec`, and the URL.
fn serving(body: String) -> (MockServer, String) {
    let server = MockServer::start();
    server.mock(|when, then| {
        when.method("GET").path("/spec");
        then.status(200).body(body);
    });
    let url = server.url("/spec");
    (server, url)
}

fn yaml(doc: &Value) -> String {
    source::to_yaml(doc).unwrap()
}

fn diff_lines(workspace: &Workspace, api: &str, url: &str) -> Vec<String> {
    refresh::diff(workspace.root(), api, url)
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// `refresh` ran, found the document unfit, and wrote nothing (exit status 1).
fn refused(result: &Result<Outcome, String>) -> bool {
    matches!(result, Ok(Outcome::Reported { passed: false, .. }))
}

fn refresh(
    workspace: &Workspace,
    api: &str,
    url: &str,
    apply: bool,
) -> (Result<Outcome, String>, String) {
    let mut out = Vec::new();
    let result = refresh::refresh(workspace.root(), api, Some(url), apply, &mut out);
    (result, String::from_utf8(out).unwrap())
}

#[test]
fn our_own_spec_served_back_is_no_drift_and_exits_0() {
    let workspace = Workspace::new();
    let (_server, url) = serving(yaml(&ours("v2")));
    assert_eq!(diff_lines(&workspace, "v2", &url), Vec::<String>::new());
    let code = run(
        workspace.root(),
        &["specs", "diff", "--api", "v2", "--from", &url],
    )
    .unwrap();
    assert_eq!(code, ExitCode::SUCCESS);
}

#[test]
fn an_added_operation_is_reported_and_exits_1() {
    let workspace = Workspace::new();
    let mut doc = ours("v2");
    let status: Value = serde_norway::from_str(
        "get:\n  operationId: getStatus\n  parameters:\n    - $ref: '#/components/parameters/request_id'\n  responses:\n    '200':\n      description: ok\n",
    )
    .unwrap();
    doc["paths"]
        .as_mapping_mut()
        .unwrap()
        .insert("/{request_id}/status".into(), status);
    let (_server, url) = serving(yaml(&doc));
    assert_eq!(
        diff_lines(&workspace, "v2", &url),
        ["+ GET /{request_id}/status"]
    );
    let code = run(
        workspace.root(),
        &["specs", "diff", "--api", "v2", "--from", &url],
    )
    .unwrap();
    assert_eq!(code, ExitCode::FAILURE);

    // The check names it as an operation nobody wraps; that alone does not refuse it.
    let (result, out) = refresh(&workspace, "v2", &url, false);
    assert!(matches!(
        result.unwrap(),
        Outcome::Reported {
            drift: true,
            passed: true,
            ..
        }
    ));
    assert!(out.contains("warning: operation `get_status` (GET /v2/verify/{request_id}/status) has no typed method"), "{out}");
}

#[test]
fn a_removed_field_is_reported_with_its_path() {
    let workspace = Workspace::new();
    let mut doc = ours("v2");
    doc["components"]["requestBodies"]["VerificationRequest"]["content"]["application/json"]
        ["schema"]["properties"]
        .as_mapping_mut()
        .unwrap()
        .remove("client_ref")
        .expect("the field exists");
    let (_server, url) = serving(yaml(&doc));
    assert_eq!(
        diff_lines(&workspace, "v2", &url),
        ["- POST / > request > application/json > client_ref"]
    );
}

#[test]
fn a_changed_enum_names_the_values() {
    let workspace = Workspace::new();
    let mut doc = ours("v2");
    let channels = doc["components"]["schemas"]["VerifyResource"]["properties"]["workflow"]
        ["items"]["properties"]["channel"]["enum"]
        .as_sequence_mut()
        .unwrap();
    channels.push("email".into());
    channels.retain(|value| value != "voice");
    let (_server, url) = serving(yaml(&doc));
    assert_eq!(
        diff_lines(&workspace, "v2", &url),
        [
            "~ webhook POST request-status-update > request > application/json > workflow[] > channel: enum +email -voice"
        ]
    );
}

#[test]
fn a_json_source_reads_like_the_yaml_one() {
    let workspace = Workspace::new();
    let mut json = serde_json::to_value(ours("v1")).unwrap();
    json["components"]["schemas"]["checkRequest"]["properties"]["code"]["maxLength"] = 9.into();
    let (_server, url) = serving(serde_json::to_string_pretty(&json).unwrap());
    let lines = diff_lines(&workspace, "v1", &url);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(
        lines[0],
        "~ POST /check/{format} > request > application/x-www-form-urlencoded > code: maxLength 6 -> 9"
    );
}

#[test]
fn a_malformed_source_is_a_clear_error_and_leaves_specs_alone() {
    let workspace = Workspace::new();
    let before = workspace.specs();
    for body in ["openapi: [", "{\"openapi\": ", "just: a mapping\n"] {
        let (_server, url) = serving(body.to_owned());
        let (result, _) = refresh(&workspace, "v1", &url, true);
        let error = result.unwrap_err();
        assert!(
            error.contains("not valid YAML")
                || error.contains("not valid JSON")
                || error.contains("not an OpenAPI document"),
            "{error}"
        );
        assert!(error.contains("specs/ is untouched"), "{error}");
    }
    assert_eq!(workspace.specs(), before);
}

#[test]
fn a_failed_download_is_a_clear_error_and_leaves_specs_alone() {
    let workspace = Workspace::new();
    let before = workspace.specs();
    let server = MockServer::start();
    server.mock(|when, then| {
        when.path("/spec");
        then.status(404).body("gone");
    });
    let (result, _) = refresh(&workspace, "v2", &server.url("/spec"), true);
    let error = result.unwrap_err();
    assert!(error.contains("HTTP 404"), "{error}");
    assert!(error.contains("specs/ is untouched"), "{error}");

    // Nothing listening at all.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/spec", listener.local_addr().unwrap())
    };
    let (result, _) = refresh(&workspace, "v2", &closed, true);
    let error = result.unwrap_err();
    assert!(
        error.contains("download of") && error.contains("failed"),
        "{error}"
    );
    assert_eq!(workspace.specs(), before);
}

#[test]
fn apply_refuses_a_spec_that_would_break_the_typed_layer() {
    let workspace = Workspace::new();
    let before = workspace.specs();
    // Drop an operation the typed layer wraps, and a schema it names.
    let mut doc = ours("v2");
    doc["paths"]
        .as_mapping_mut()
        .unwrap()
        .remove("/{request_id}/next_workflow")
        .expect("the path exists");
    let (_server, url) = serving(yaml(&doc));
    let (result, out) = refresh(&workspace, "v2", &url, true);
    assert!(refused(&result), "{out}");
    assert!(
        out.contains("fails the check") && out.contains("untouched"),
        "{out}"
    );
    assert!(
        out.contains(
            "error: operation `next_workflow` is gone, but v2::Api::next_workflow wraps it"
        ),
        "{out}"
    );
    assert!(out.contains("- POST /{request_id}/next_workflow"), "{out}");

    // A schema renamed that only the typed layer names (our prose of it is left over).
    let renamed = |doc: &Value, from: &str, to: &str| {
        let mut doc = doc.clone();
        let schemas = doc["components"]["schemas"].as_mapping_mut().unwrap();
        let schema = schemas.remove(from).unwrap();
        schemas.insert(to.into(), schema);
        let old = format!("#/components/schemas/{from}");
        yaml(&doc)
            .lines()
            .map(|line| match line.trim_start().strip_prefix("$ref: ") {
                Some(target) if target.trim_matches('\'') == old => line.replace(from, to),
                _ => line.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (_server, url) = serving(renamed(&ours("v2"), "Template", "TemplateResource"));
    let (result, out) = refresh(&workspace, "v2", &url, true);
    assert!(refused(&result), "{out}");
    assert!(
        out.contains("error: type `Template` is gone, but src/v2/templates.rs uses it"),
        "{out}"
    );
    assert!(
        out.contains("$.components.schemas.Template.properties.name: describes what is gone; delete the action"),
        "{out}"
    );

    // One that our additions target: the action conflicts, and that alone refuses it.
    let (_server, url) = serving(renamed(
        &ours("v2"),
        "VerifySilentAuth",
        "VerifySilentAuthUpdate",
    ));
    let (result, out) = refresh(&workspace, "v2", &url, true);
    assert!(refused(&result), "{out}");
    assert!(
        out.contains("silent-auth-action-one-or-many: CONFLICT: what it targets is gone"),
        "{out}"
    );
    assert!(out.contains("overlay action(s) conflict"), "{out}");

    // And one the generator cannot take at all.
    let (_server, url) = serving(yaml(&ours("v1")).replace("openapi: 3.0.", "openapi: 3.1."));
    let (result, out) = refresh(&workspace, "v1", &url, true);
    assert!(refused(&result), "{out}");
    assert!(out.contains("only 3.0.x can be generated"), "{out}");
    assert_eq!(workspace.specs(), before);
}

#[test]
fn apply_writes_deterministic_yaml_and_its_record() {
    let workspace = Workspace::new();
    let mut doc = ours("v1");
    doc["info"]["version"] = "1.2.5".into();
    doc["components"]["schemas"]["checkRequest"]["properties"]["code"]["maxLength"] =
        Value::from(8);
    let (_server, url) = serving(serde_json::to_string(&doc).unwrap());
    let (result, out) = refresh(&workspace, "v1", &url, true);
    assert!(
        matches!(result.unwrap(), Outcome::Applied { drift: true, .. }),
        "{out}"
    );
    let written = std::fs::read_to_string(workspace.root().join("specs/verify-v1.yml")).unwrap();
    assert_eq!(written, yaml(&doc));
    let sources = record::read(workspace.root()).unwrap();
    let entry = &sources["verify-v1.yml"];
    assert_eq!(entry.source, url);
    assert_eq!(entry.sha256, record::sha256(written.as_bytes()));
    assert_eq!(entry.edited, None);
    assert!(record::stale(workspace.root()).unwrap().is_empty());
    // v2's record is kept as it was.
    assert_eq!(
        sources["verify-v2.yml"],
        record::read(&workspace_root()).unwrap()["verify-v2.yml"]
    );

    // The same source again: no drift, the same bytes.
    let (result, out) = refresh(&workspace, "v1", &url, true);
    assert!(matches!(
        result.unwrap(),
        Outcome::Applied { drift: false, .. }
    ));
    assert!(out.contains("no semantic changes"), "{out}");
    assert_eq!(
        std::fs::read_to_string(workspace.root().join("specs/verify-v1.yml")).unwrap(),
        written
    );
    // No temporary file is left behind.
    assert!(
        workspace
            .specs()
            .iter()
            .all(|(path, _)| !path.to_string_lossy().ends_with(".tmp"))
    );
}

#[test]
fn codegen_writes_both_clients() {
    let out = tempfile::tempdir().unwrap();
    let code = run(
        &workspace_root(),
        &["codegen", "--out", out.path().to_str().unwrap()],
    )
    .unwrap();
    assert_eq!(code, ExitCode::SUCCESS);
    for api in ["v1", "v2"] {
        let text = std::fs::read_to_string(out.path().join(format!("verify_{api}.rs"))).unwrap();
        assert!(text.contains("pub struct Client"), "{api}");
    }
}

#[test]
fn bad_arguments_are_refused_with_the_usage() {
    for args in [
        &["specs", "diff", "--api", "v3", "--from", "x"][..],
        &["specs", "diff", "--api", "v1"],
        &["specs", "refresh"],
        &["specs", "check", "--api", "v1", "--api", "v2"],
        &["specs", "refresh", "--api", "v1", "--apply", "--apply"],
        &["nothing"],
    ] {
        assert!(run(&workspace_root(), args).is_err(), "{args:?}");
    }
}

#[test]
fn check_refuses_removed_fields_and_variants_the_typed_layer_uses() {
    let workspace = Workspace::new();
    let before = workspace.specs();
    // A field of a webhook step that src/webhook/payload.rs reads.
    let mut doc = ours("v2");
    doc["components"]["schemas"]["VerifyResource"]["properties"]["workflow"]["items"]["properties"]
        .as_mapping_mut()
        .unwrap()
        .remove("initiated_at")
        .unwrap();
    let (_server, url) = serving(yaml(&doc));
    let (result, out) = refresh(&workspace, "v2", &url, true);
    assert!(refused(&result), "{out}");
    assert!(
        out.contains("error: field `VerifyResourceWorkflowItem.initiated_at` is gone, but src/webhook/payload.rs uses it"),
        "{out}"
    );
    // An enum value v1's control command sends.
    let mut doc = ours("v1");
    let commands = doc["components"]["schemas"]["controlRequest"]["properties"]["cmd"]["enum"]
        .as_sequence_mut()
        .unwrap();
    commands.retain(|value| value != "trigger_next_event");
    commands.push("trigger_next".into());
    let (_server, url) = serving(yaml(&doc));
    let (result, out) = refresh(&workspace, "v1", &url, false);
    assert!(matches!(
        result,
        Ok(Outcome::Reported { passed: false, .. })
    ));
    assert!(
        out.contains("error: variant `ControlRequestCmd::TriggerNextEvent` is gone, but mock/src/v1/lookup.rs, src/v1/requests.rs use it"),
        "{out}"
    );
    assert!(
        out.contains("check FAILED: --apply would refuse it"),
        "{out}"
    );
    // Without --apply, a failing check is exit status 1.
    let code = run(
        workspace.root(),
        &["specs", "refresh", "--api", "v1", "--from", &url],
    )
    .unwrap();
    assert_eq!(code, ExitCode::FAILURE);
    assert_eq!(workspace.specs(), before);
}

#[test]
fn a_schema_that_includes_itself_is_an_error_not_a_crash() {
    let workspace = Workspace::new();
    let mut doc = ours("v2");
    let cycle: Value =
        serde_norway::from_str("allOf:\n  - $ref: '#/components/schemas/Loop'\n").unwrap();
    doc["components"]["schemas"]
        .as_mapping_mut()
        .unwrap()
        .insert("Loop".into(), cycle);
    doc["components"]["requestBodies"]["VerificationRequest"]["content"]["application/json"]
        ["schema"]["properties"]
        .as_mapping_mut()
        .unwrap()
        .insert(
            "loop".into(),
            serde_norway::from_str("$ref: '#/components/schemas/Loop'").unwrap(),
        );
    let (_server, url) = serving(yaml(&doc));
    let (result, out) = refresh(&workspace, "v2", &url, false);
    assert!(
        matches!(result, Ok(Outcome::Reported { passed: false, .. })),
        "{out}"
    );
    assert!(
        out.contains("schema Loop includes itself through allOf"),
        "{out}"
    );
    assert!(
        out.contains("+ POST / > request > application/json > loop"),
        "{out}"
    );
}

#[test]
fn parameters_in_content_and_retargeted_refs_are_changes() {
    let workspace = Workspace::new();
    let mut doc = ours("v2");
    let filter: Value = serde_norway::from_str(
        "name: filter\nin: query\nrequired: true\ncontent:\n  application/json:\n    schema: {type: object}\n",
    )
    .unwrap();
    doc["paths"]["/templates"]["get"]["parameters"]
        .as_sequence_mut()
        .unwrap()
        .push(filter);
    let brand = doc["components"]["schemas"]["Brand"].clone();
    doc["components"]["schemas"]
        .as_mapping_mut()
        .unwrap()
        .insert("BrandName".into(), brand);
    doc["components"]["requestBodies"]["VerificationRequest"]["content"]["application/json"]["schema"]
        ["properties"]["brand"]["$ref"] = "#/components/schemas/BrandName".into();
    let (_server, url) = serving(yaml(&doc));
    assert_eq!(
        diff_lines(&workspace, "v2", &url),
        [
            "+ GET /templates > parameter query filter",
            "~ POST / > request > application/json > brand: ref Brand -> BrandName",
        ]
    );
}

#[test]
fn record_keeps_the_source_and_updates_the_hash() {
    let workspace = Workspace::new();
    let spec = workspace.root().join("specs/verify-v2.yml");
    let mut text = std::fs::read_to_string(&spec).unwrap();
    text.push_str("# one more comment\n");
    std::fs::write(&spec, &text).unwrap();
    assert_eq!(record::stale(workspace.root()).unwrap().len(), 1);
    let code = run(
        workspace.root(),
        &["specs", "record", "--api", "v2", "--edited", "a comment"],
    )
    .unwrap();
    assert_eq!(code, ExitCode::SUCCESS);
    assert!(record::stale(workspace.root()).unwrap().is_empty());
    let entry = &record::read(workspace.root()).unwrap()["verify-v2.yml"];
    assert_eq!(entry.sha256, record::sha256(text.as_bytes()));
    assert_eq!(entry.edited.as_deref(), Some("a comment"));
    assert_eq!(
        entry.source,
        record::read(&workspace_root()).unwrap()["verify-v2.yml"].source
    );
}

#[test]
fn diff_errors_are_errors_not_drift() {
    // main() turns an Err into exit status 2.
    let workspace = Workspace::new();
    assert!(
        run(
            workspace.root(),
            &[
                "specs",
                "diff",
                "--api",
                "v1",
                "--from",
                "/nonexistent/spec.yml"
            ]
        )
        .is_err()
    );
}

/// Vonage's published v1 files, from the reference folder beside the workspace; `None` (with
/// a notice) where it is absent, as outside CI it may be.
fn upstream(file: &str) -> Option<String> {
    let path = workspace_root()
        .join("../shared/reference/upstream")
        .join(file);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(_) => {
            eprintln!("notice: {} not found; skipped", path.display());
            None
        }
    }
}

/// Each v1 overlay action against both of Vonage's v1 files: the GitHub document needs every
/// one; the portal's, which declares Basic for all of v1, needs none of the security actions,
/// which are not applicable to it, and then the client sends Basic everywhere.
#[test]
fn the_v1_overlays_apply_to_both_of_vonages_files() {
    use crate::codegen::overlay::Outcome;

    let root = workspace_root();
    let api = crate::codegen::apis::api("v1").unwrap();
    let overlays = api.overlays(&root).unwrap();
    let security_actions = [
        "basic-for-search",
        "basic-for-network-unblock",
        "security-schemes",
    ];
    for (file, portal) in [
        ("verify-v1.yml", false),
        ("verify-v1-1.2.4-portal.json", true),
    ] {
        let Some(text) = upstream(file) else {
            continue;
        };
        // Our additions go on first, then our prose, whose outcomes depend on what the file
        // describes: only the additions are checked here.
        let (_, outcomes) = crate::codegen::effective(&text, &overlays).unwrap();
        let additions = overlays[0].actions.len();
        for (name, outcome) in &outcomes[..additions] {
            let expected_na = portal && security_actions.contains(&name.as_str());
            if expected_na {
                assert_eq!(*outcome, Outcome::NotApplicable, "{file}: {name}");
            } else {
                assert!(
                    matches!(outcome, Outcome::Changed(_)),
                    "{file}: {name}: {outcome}"
                );
            }
        }
        assert_eq!(outcomes.len() - additions, overlays[1].actions.len());

        // The whole pipeline, and the typed layer's needs, on the file as it comes.
        let report = crate::check::check(&root, Some("v1"), &text);
        assert!(report.passed(), "{file}: {:?}", report.problems);

        // Who gets which credentials: the portal's document asks for Basic everywhere.
        let generated =
            crate::codegen::run(&text, &overlays, &crate::codegen::Config::default()).unwrap();
        let security: Vec<(&str, Vec<&str>)> = generated
            .operations
            .iter()
            .map(|op| (op.method_name.as_str(), op.security.clone()))
            .collect();
        for (operation, kinds) in security {
            let expected: &[&str] = match (portal, operation) {
                (true, _) | (false, "verify_search" | "network_unblock") => &["Basic"],
                (false, _) => &["Basic", "ApiKey"],
            };
            assert_eq!(kinds, expected, "{file}: {operation}");
        }
    }
}

/// Our base with its overlays is the spec the crate was built from before the overlays
/// existed: every addition is there, and the base alone is Vonage's document.
#[test]
fn our_v1_base_with_its_overlays_has_every_addition() {
    let root = workspace_root();
    let overlays = crate::codegen::apis::api("v1")
        .unwrap()
        .overlays(&root)
        .unwrap();
    let base = std::fs::read_to_string(root.join("specs/verify-v1.yml")).unwrap();
    let (merged, _) = crate::codegen::effective(&base, &overlays).unwrap();
    let merged = serde_json::to_value(merged).unwrap();
    let search = &merged["paths"]["/search/{format}"]["get"];
    assert_eq!(search["parameters"][3]["name"], "request_id");
    assert_eq!(search["parameters"][3]["required"], false);
    assert_eq!(
        search["responses"]["200"]["content"]["text/xml"]["schema"]["oneOf"][2]["$ref"],
        "#/components/schemas/searchManyResponse"
    );
    let pin = &merged["components"]["schemas"]["verifyRequest"]["properties"]["pin_code"];
    assert_eq!(
        (&pin["minLength"], &pin["maxLength"]),
        (&4.into(), &10.into())
    );
    assert!(pin.get("minimum").is_none());
    assert_eq!(merged["security"][0], serde_json::json!({"basicAuth": []}));
    // And the base itself says none of it.
    let base = serde_json::to_value(crate::codegen::load::value(&base).unwrap()).unwrap();
    assert!(base.get("security").is_none());
    assert!(
        base["components"]["schemas"]
            .get("searchManyResponse")
            .is_none()
    );
}

/// The path of one of Vonage's files in the reference folder, if it is there.
fn upstream_path(file: &str) -> Option<String> {
    upstream(file)?;
    Some(
        workspace_root()
            .join("../shared/reference/upstream")
            .join(file)
            .display()
            .to_string(),
    )
}

/// Our additions (not our prose) and what a refresh found each one to be.
fn additions(actions: &[(String, refresh::Needed)]) -> Vec<(&str, refresh::Needed)> {
    actions
        .iter()
        .filter(|(name, _)| !name.starts_with('$'))
        .map(|(name, needed)| (name.as_str(), *needed))
        .collect()
}

/// `specs refresh --apply` to each of Vonage's published files, as a maintainer runs it: every
/// one of our additions is still needed (or, for the portal's v1, which declares its own
/// security, not applicable), the base written holds facts only, its record names the file,
/// and base plus overlays pass the check.
#[test]
fn refresh_applies_each_of_vonages_files() {
    use refresh::Needed;

    let portal_security = [
        "basic-for-search",
        "basic-for-network-unblock",
        "security-schemes",
    ];
    for (api, file) in [
        ("v1", "verify-v1.yml"),
        ("v1", "verify-v1-1.2.4-portal.json"),
        ("v2", "verify-v2-1.0.1.json"),
    ] {
        let Some(path) = upstream_path(file) else {
            continue;
        };
        let workspace = Workspace::new();
        let (result, out) = refresh(&workspace, api, &path, true);
        let Ok(Outcome::Applied { actions, .. }) = result else {
            panic!("{file}: {result:?}\n{out}");
        };
        let portal = file.contains("portal");
        for (name, needed) in additions(&actions) {
            let expected = if portal && portal_security.contains(&name) {
                Needed::NotApplicable
            } else {
                Needed::Still
            };
            assert_eq!(needed, expected, "{file}: {name}\n{out}");
        }
        // Our prose never stops a refresh; what it describes that is gone is named.
        assert!(
            actions.iter().all(|(_, n)| *n != Needed::Conflicting),
            "{out}"
        );
        if portal {
            assert!(
                out.contains(
                    "$.components.schemas.api_key: describes what is gone; delete the action"
                ),
                "{out}"
            );
        }

        let written =
            std::fs::read_to_string(workspace.root().join("specs").join(record::spec_file(api)))
                .unwrap();
        let base = source::parse(&written).unwrap();
        let mut facts = base.clone();
        crate::prose::strip(&mut facts);
        assert_eq!(facts, base, "{file}: the base holds prose");
        let vonage = source::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(
            base["paths"].as_mapping().unwrap().len(),
            vonage["paths"].as_mapping().unwrap().len(),
            "{file}"
        );
        let entry = &record::read(workspace.root()).unwrap()[&record::spec_file(api)];
        assert!(entry.source.ends_with(file), "{}", entry.source);
        assert_eq!(entry.sha256, record::sha256(written.as_bytes()));
        let report = crate::check::check(workspace.root(), Some(api), &written);
        assert!(report.passed(), "{file}: {:?}", report.problems);
    }
}

/// The old v2 draft (0.0.18) names its schemas and operations otherwise: our additions that
/// target what it lacks conflict, the refresh exits 1, and nothing is written.
#[test]
fn refresh_refuses_the_v2_draft_whose_targets_are_gone() {
    use refresh::Needed;

    let Some(path) = upstream_path("verify-v2.yml") else {
        return;
    };
    let workspace = Workspace::new();
    let before = workspace.specs();
    let (result, out) = refresh(&workspace, "v2", &path, true);
    let Ok(Outcome::Reported {
        passed: false,
        actions,
        ..
    }) = result
    else {
        panic!("{result:?}\n{out}");
    };
    let additions = additions(&actions);
    for name in [
        "rcs-default-agent",
        "workflow-steps-by-channel",
        "silent-auth-sandbox",
    ] {
        assert!(
            additions.contains(&(name, Needed::Conflicting)),
            "{name}: {additions:?}"
        );
    }
    assert!(
        out.contains("rcs-default-agent: CONFLICT: what it targets is gone; rewrite or delete it"),
        "{out}"
    );
    assert!(out.contains("overlay action(s) conflict"), "{out}");
    assert!(out.contains("not applied (specs/ is untouched)"), "{out}");
    assert_eq!(workspace.specs(), before);
    let code = run(
        workspace.root(),
        &[
            "specs", "refresh", "--api", "v2", "--from", &path, "--apply",
        ],
    )
    .unwrap();
    assert_eq!(code, ExitCode::FAILURE);
    assert_eq!(workspace.specs(), before);
}

/// Vonage catches up: a copy of 1.0.1 where an RCS step's `from` is optional, as their RCS
/// guide has it. Our action that made it so is reported as no longer needed, by name, and
/// the rest as still needed; the refresh applies.
#[test]
fn an_action_vonage_caught_up_with_is_reported_no_longer_needed() {
    use refresh::Needed;

    let Some(path) = upstream_path("verify-v2-1.0.1.json") else {
        return;
    };
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let required = doc["components"]["schemas"]["RCSChannel"]["required"]
        .as_array_mut()
        .unwrap();
    assert!(required.contains(&"from".into()));
    required.retain(|name| name != "from");
    let (_server, url) = serving(serde_json::to_string_pretty(&doc).unwrap());
    let workspace = Workspace::new();
    let (result, out) = refresh(&workspace, "v2", &url, true);
    let Ok(Outcome::Applied {
        drift: true,
        actions,
    }) = result
    else {
        panic!("{result:?}\n{out}");
    };
    for (name, needed) in additions(&actions) {
        let expected = if name == "rcs-default-agent" {
            Needed::NoLonger
        } else {
            Needed::Still
        };
        assert_eq!(needed, expected, "{name}\n{out}");
    }
    assert!(
        out.contains(
            "rcs-default-agent: no longer needed: the document says it now; delete the action"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "~ POST / > request > application/json > workflow[] > <oneOf RCSChannel> > from: required true -> false"
        ),
        "{out}"
    );
}

/// `specs diff` is base against base: Vonage's 1.0.1 is exactly our v2 base, although our
/// overlays add operations and fields to it.
#[test]
fn diff_compares_bases_without_overlays() {
    let Some(path) = upstream_path("verify-v2-1.0.1.json") else {
        return;
    };
    let workspace = Workspace::new();
    assert_eq!(diff_lines(&workspace, "v2", &path), Vec::<String>::new());
    let code = run(
        workspace.root(),
        &["specs", "diff", "--api", "v2", "--from", &path],
    )
    .unwrap();
    assert_eq!(code, ExitCode::SUCCESS);
}

/// Vonage catching up on several of our additions at once, in its own way (a status list with
/// one more value of its own, a tag with its own description): each of those actions is named
/// no longer needed, and what Vonage added beyond ours is kept.
#[test]
fn every_action_vonage_caught_up_with_is_named_and_its_extras_kept() {
    use refresh::Needed;

    let Some(path) = upstream_path("verify-v2-1.0.1.json") else {
        return;
    };
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["tags"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"name": "Fraud Management", "description": "Theirs."}));
    let schemas = &mut doc["components"]["schemas"];
    schemas["SilentAuthChannel"]["properties"]["sandbox"] =
        serde_json::json!({"type": "boolean", "deprecated": true, "description": "Theirs."});
    schemas["ErrorConflict"]["properties"]["request_id"] =
        serde_json::json!({"type": "string", "example": "theirs"});
    schemas["VerifyResource"]["properties"]["status"]["enum"] =
        serde_json::json!(["completed", "failed", "expired", "blocked", "cancelled"]);
    let (_server, url) = serving(serde_json::to_string(&doc).unwrap());
    let workspace = Workspace::new();
    let (result, out) = refresh(&workspace, "v2", &url, true);
    let Ok(Outcome::Applied { actions, .. }) = result else {
        panic!("{result:?}\n{out}");
    };
    let caught_up = [
        "fraud-management-tag",
        "silent-auth-sandbox",
        "concurrent-request-id",
    ];
    for (name, needed) in additions(&actions) {
        let expected = if caught_up.contains(&name) {
            Needed::NoLonger
        } else {
            Needed::Still
        };
        assert_eq!(needed, expected, "{name}\n{out}");
    }
    // `blocked-summaries` still adds `finalized_at`; its status adds nothing, and Vonage's own
    // extra status stays.
    let base = std::fs::read_to_string(workspace.root().join("specs/verify-v2.yml")).unwrap();
    let overlays = crate::codegen::apis::api("v2")
        .unwrap()
        .overlays(workspace.root())
        .unwrap();
    let (merged, _) = crate::codegen::effective(&base, &overlays).unwrap();
    let merged = serde_json::to_value(merged).unwrap();
    assert_eq!(
        merged["components"]["schemas"]["VerifyResource"]["properties"]["status"]["enum"],
        serde_json::json!(["completed", "failed", "expired", "blocked", "cancelled"])
    );
    let tags: Vec<&str> = merged["tags"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|tag| tag["name"].as_str())
        .collect();
    assert_eq!(
        tags.iter().filter(|t| **t == "Fraud Management").count(),
        1,
        "{tags:?}"
    );
}

/// Vonage renaming what an action removes from is not catching up: the removal has nothing
/// left to do, but the typed layer names the field, and the check refuses the document.
#[test]
fn a_renamed_field_is_not_taken_for_catching_up() {
    let Some(path) = upstream_path("verify-v2-1.0.1.json") else {
        return;
    };
    let text = std::fs::read_to_string(path).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let rcs = &mut doc["components"]["schemas"]["RCSChannel"];
    let from = rcs["properties"]["from"].take();
    rcs["properties"].as_object_mut().unwrap().remove("from");
    rcs["properties"]["agent_id"] = from;
    rcs["required"] = serde_json::json!(["channel", "to", "agent_id"]);
    let (_server, url) = serving(serde_json::to_string(&doc).unwrap());
    let workspace = Workspace::new();
    let before = workspace.specs();
    let (result, out) = refresh(&workspace, "v2", &url, true);
    assert!(refused(&result), "{out}");
    assert!(out.contains("rcs-default-agent: no longer needed"), "{out}");
    assert!(
        out.contains(
            "error: field `NewRequestBodyWorkflowItem::Rcs.from` is gone, but src/v2/start.rs uses it"
        ),
        "{out}"
    );
    assert_eq!(workspace.specs(), before);
}
