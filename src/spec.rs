//! What the build generated from the specs, described for tests and tooling.

/// One operation of a generated raw client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Operation {
    /// The spec's `operationId`, e.g. `verifyRequest`.
    pub id: &'static str,
    /// The generated method's name, which is also the id progenitor passes to hooks.
    pub method_name: &'static str,
    /// Upper-case HTTP method.
    pub http_method: &'static str,
    /// Request path relative to the base URL, after normalisation.
    pub path: &'static str,
    /// Whether the spec asks for credentials on this operation.
    pub authenticated: bool,
}

/// The operation of `operations` whose generated method is `method_name` (progenitor reports
/// this name to hooks as the operation id).
pub(crate) fn by_method<'a>(
    operations: &'a [Operation],
    method_name: &str,
) -> Option<&'a Operation> {
    operations.iter().find(|op| op.method_name == method_name)
}
