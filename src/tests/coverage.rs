//! Every operation `build.rs` generates has a typed wrapper.

#[test]
fn every_v1_operation_has_a_typed_method() {
    for operation in crate::v1::raw::OPERATIONS {
        assert!(
            crate::v1::WRAPPERS
                .iter()
                .any(|(method, _)| *method == operation.method_name),
            "v1 operation {} ({}) has no typed method in v1::Api",
            operation.id,
            operation.method_name
        );
    }
    assert_eq!(crate::v1::WRAPPERS.len(), crate::v1::raw::OPERATIONS.len());
}
