//! Every operation `build.rs` generates has a typed wrapper, as `specs/wrapped.yml` records.

use std::collections::{BTreeMap, BTreeSet};

use crate::spec::Operation;

/// `specs/wrapped.yml`: per API, each generated method name and the typed methods wrapping it.
fn wrapped(api: &str) -> BTreeMap<String, Vec<String>> {
    let all: BTreeMap<String, BTreeMap<String, Vec<String>>> =
        serde_norway::from_str(include_str!("../../specs/wrapped.yml")).expect("valid YAML");
    all.get(api).cloned().unwrap_or_default()
}

fn covered(api: &str, operations: &[Operation]) {
    let wrapped = wrapped(api);
    let generated: BTreeSet<&str> = operations.iter().map(|o| o.method_name).collect();
    let listed: BTreeSet<&str> = wrapped.keys().map(String::as_str).collect();
    assert_eq!(
        generated.difference(&listed).collect::<Vec<_>>(),
        Vec::<&&str>::new(),
        "{api}: generated operations with no typed method in specs/wrapped.yml"
    );
    assert_eq!(
        listed.difference(&generated).collect::<Vec<_>>(),
        Vec::<&&str>::new(),
        "{api}: specs/wrapped.yml lists operations the spec no longer has"
    );
    assert!(wrapped.values().all(|methods| !methods.is_empty()));
}

#[test]
fn every_v1_operation_has_a_typed_method() {
    covered("v1", crate::v1::raw::OPERATIONS);
}

#[test]
fn every_v2_operation_has_a_typed_method() {
    covered("v2", crate::v2::raw::OPERATIONS);
}

/// The generated tables say which requests only read, and so may be sent again after an
/// answer: every GET but the silent-auth check, which a carrier may honour once.
#[test]
fn only_reads_are_marked_safe() {
    let safe = |operations: &[Operation]| -> BTreeSet<&str> {
        operations
            .iter()
            .filter(|op| op.safe)
            .map(|op| op.method_name)
            .collect()
    };
    assert_eq!(
        safe(crate::v1::raw::OPERATIONS),
        BTreeSet::from(["verify_search"])
    );
    assert_eq!(
        safe(crate::v2::raw::OPERATIONS),
        BTreeSet::from([
            "get_template",
            "get_template_fragment",
            "list_template_fragments",
            "list_templates"
        ])
    );
    let check = crate::v2::raw::OPERATIONS
        .iter()
        .find(|op| op.method_name == "silent_auth_check")
        .expect("the spec has the silent-auth check");
    assert_eq!((check.http_method, check.safe), ("GET", false));
}

/// The generated steps follow Vonage's guides of today (through the v2 overlay): an RCS step
/// needs no `from` (Vonage's default agent), and the deprecated silent-auth sandbox flag is
/// still there to send.
#[test]
fn an_rcs_step_needs_no_sender_and_the_sandbox_flag_is_kept() {
    use crate::v2::raw::types::NewRequestBodyWorkflowItem as Step;

    let rcs: Step =
        serde_json::from_value(serde_json::json!({"channel": "rcs", "to": "447700900000"}))
            .expect("an RCS step without `from`");
    assert!(matches!(rcs, Step::Rcs { from: None, .. }), "{rcs:?}");
    let silent: Step = serde_json::from_value(serde_json::json!({
        "channel": "silent_auth", "to": "447700900000", "sandbox": true
    }))
    .expect("a silent-auth step with the sandbox flag");
    assert!(
        matches!(
            silent,
            Step::SilentAuth {
                sandbox: Some(true),
                ..
            }
        ),
        "{silent:?}"
    );
}
