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
    /// Whether the request only reads, so that sending it again after the server answered
    /// cannot act twice: a `GET` or `HEAD` that the spec does not mark `x-safe: false`
    /// (RFC 9110's safe methods, less a `GET` that acts, such as a carrier's one-time check).
    pub safe: bool,
    /// The kinds of credential the spec's security requirement for the operation names;
    /// empty when the spec names none (Vonage's v1 document declares no security at all), and
    /// then any credential the API takes will do.
    pub security: &'static [Security],
}

/// A kind of credential a spec's security scheme stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Security {
    /// HTTP Basic: the API key and secret.
    Basic,
    /// A bearer token: an application JWT, or a token from elsewhere.
    Bearer,
    /// An API key (with its secret) in a field or parameter of the request.
    ApiKey,
}

/// The XML form of each v1 reply, read from the spec's `xml` annotations by the build
/// (`codegen/xml.rs`), for the decoder of XML replies.
pub(crate) mod xml {
    /// The XML form of one operation's reply (see `codegen/xml.rs`).
    #[derive(Debug)]
    pub(crate) struct Shape {
        pub(crate) operation: &'static str,
        pub(crate) roots: &'static [&'static str],
        pub(crate) fields: &'static [Field],
    }

    /// One property and the element that carries it.
    #[derive(Debug)]
    pub(crate) struct Field {
        pub(crate) key: &'static str,
        pub(crate) element: &'static str,
        pub(crate) kind: Kind,
    }

    /// What an element holds.
    #[derive(Debug)]
    pub(crate) enum Kind {
        Scalar,
        // v1's replies nest objects only inside arrays; a spec may nest them directly.
        #[allow(dead_code)]
        Object(&'static [Field]),
        Array {
            wrapped: bool,
            item: &'static str,
            fields: &'static [Field],
        },
    }

    /// The shape `build.rs` recorded for `operation`.
    pub(crate) fn shape(shapes: &'static [Shape], operation: &str) -> Option<&'static Shape> {
        shapes.iter().find(|s| s.operation == operation)
    }
}
