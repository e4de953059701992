//! Every operation `build.rs` generates has a typed wrapper.

use crate::spec::Operation;

fn covered(api: &str, operations: &[Operation], wrappers: &[(&str, &str)]) {
    for operation in operations {
        assert!(
            wrappers
                .iter()
                .any(|(method, _)| *method == operation.method_name),
            "{api} operation {} ({}) has no typed method in {api}::Api",
            operation.id,
            operation.method_name
        );
    }
    assert_eq!(
        wrappers.len(),
        operations.len(),
        "{api}: a wrapper for a removed operation"
    );
}

#[test]
fn every_v1_operation_has_a_typed_method() {
    covered("v1", crate::v1::raw::OPERATIONS, crate::v1::WRAPPERS);
}

#[test]
fn every_v2_operation_has_a_typed_method() {
    covered("v2", crate::v2::raw::OPERATIONS, crate::v2::WRAPPERS);
}
