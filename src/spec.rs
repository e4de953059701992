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
/// (`codegen/xml.rs`): which element carries which property, and how lists are wrapped.
///
/// The client's XML decoder reads replies with it; it is public for servers that must answer
/// in v1's XML as Vonage does (the `vonage-verify-mock` crate writes its replies from it), so
/// both sides follow one table. Like the generated clients, it follows the spec and may change
/// when the spec does.
pub mod xml {
    /// The XML form of one operation's reply.
    #[derive(Debug)]
    #[non_exhaustive]
    pub struct Shape {
        /// The generated method name of the operation (`verify_search`).
        pub operation: &'static str,
        /// The root elements its reply may have (`verify_request`, `verification_requests`).
        pub roots: &'static [&'static str],
        /// The root's properties.
        pub fields: &'static [Field],
    }

    /// One property and the element that carries it.
    #[derive(Debug)]
    #[non_exhaustive]
    pub struct Field {
        /// The property's name in the JSON reply.
        pub key: &'static str,
        /// The element's name in the XML reply.
        pub element: &'static str,
        /// What the element holds.
        pub kind: Kind,
    }

    /// What an element holds.
    #[derive(Debug)]
    #[non_exhaustive]
    pub enum Kind {
        /// Text.
        Scalar,
        /// An object's properties (v1's replies nest objects only inside arrays; a spec may
        /// nest them directly).
        Object(&'static [Field]),
        /// A list of objects.
        Array {
            /// Whether the items sit inside an element of the list's own (`<checks><check>`)
            /// or repeat in the parent (`<verification_requests><verify_request>`).
            wrapped: bool,
            /// The element of one item.
            item: &'static str,
            /// An item's properties.
            fields: &'static [Field],
        },
    }

    /// The shape of `operation`'s reply in `shapes` (such as [`v1::raw::XML`](crate::v1::raw::XML)).
    pub fn shape(shapes: &'static [Shape], operation: &str) -> Option<&'static Shape> {
        shapes.iter().find(|s| s.operation == operation)
    }
}
