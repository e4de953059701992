//! progenitor settings, generation, formatting, and the operation list emitted beside the code.

use std::panic::{AssertUnwindSafe, catch_unwind};

use openapiv3::OpenAPI;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};

use super::{Config, PipelineError, passes, walk};

/// One operation of a generated client, as the hooks and coverage tests see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// The spec's `operationId`.
    pub id: String,
    /// The id as progenitor reports it in `OperationInfo` and names the method (snake case).
    pub method_name: String,
    /// Upper-case HTTP method.
    pub http_method: String,
    /// Path after normalisation, relative to the base URL.
    pub path: String,
    /// Whether the spec asks for credentials (`security: []` opts an operation out; a spec that
    /// declares no security at all, like Vonage's v1, carries credentials in every call).
    pub authenticated: bool,
    /// Whether the request only reads and may be sent again after an answer: RFC 9110's safe
    /// methods (`GET`, `HEAD`), unless the operation says `x-safe: false`, as a `GET` that
    /// acts must (a carrier's one-time check, for one).
    pub safe: bool,
    /// The kinds of credential its security requirement names (`Basic`, `Bearer`, `ApiKey`),
    /// without repeats; empty when the spec names none, and then any the API takes will do.
    pub security: Vec<&'static str>,
}

/// The extension that marks an operation whose method is safe but whose effect is not.
pub const SAFE_EXTENSION: &str = "x-safe";

/// The settings every generated client shares; each one is a deliberate choice:
/// - Builder interface: a parameter that a new spec flips between required and optional keeps
///   the same setter, so call sites survive spec updates, and missing inputs become
///   `Error::InvalidRequest` before anything is sent.
/// - Merged tags: one `Client` type per API; separate tags would add one extension trait per tag
///   (and v1 tags only two of its six operations).
/// - Expected hooks with our inner type: the crate cannot compile unless it routes every
///   generated request through its own `ClientHooks` impl (the one send path).
/// - `PartialEq` on all types: responses can be compared in tests and by callers.
/// - Numbers marked exact by [`passes::exact_numbers`] become `rust_decimal::Decimal`.
pub fn settings(config: &Config) -> Result<GenerationSettings, PipelineError> {
    let inner: proc_macro2::TokenStream = config.inner_type.parse().map_err(|e| {
        PipelineError::Unsupported(format!("inner type {}: {e}", config.inner_type))
    })?;
    let mut s = GenerationSettings::default();
    s.with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(inner)
        .with_derive("PartialEq")
        .with_conversion(
            passes::exact_numbers::decimal_schema(),
            "::rust_decimal::Decimal",
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    Ok(s)
}

/// Generates the client module for a normalised document and formats it. The code is
/// progenitor's own: what it should do differently is set through the spec (the passes), its
/// settings, or the hooks, never by editing its output.
pub fn client_source(doc: &OpenAPI, config: &Config) -> Result<String, PipelineError> {
    let settings = settings(config)?;
    // progenitor reports some unsupported shapes by panicking (`assert!`, `unimplemented!`);
    // turning that into an error lets `xtask specs check` list it and build.rs print it plainly.
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = catch_unwind(AssertUnwindSafe(|| {
        Generator::new(&settings).generate_tokens(doc)
    }));
    std::panic::set_hook(previous_hook);
    let tokens = match result {
        Ok(Ok(tokens)) => tokens,
        Ok(Err(e)) => return Err(PipelineError::Generate(e.to_string())),
        Err(panic) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "panic without a message".into());
            return Err(PipelineError::Generate(format!("panicked: {msg}")));
        }
    };
    let file: syn::File = syn::parse2(tokens).map_err(|e| PipelineError::Format(e.to_string()))?;
    Ok(prettyplease::unparse(&file))
}

/// Lists the operations of a normalised document, refusing ones progenitor could not name.
pub fn operations(original: &OpenAPI) -> Result<Vec<Operation>, PipelineError> {
    let mut doc = original.clone();
    let default_security = doc.security.clone();
    let mut out = Vec::new();
    for (path, method, op) in walk::operations_mut(&mut doc) {
        let id = op.operation_id.clone().ok_or_else(|| {
            PipelineError::Unsupported(format!(
                "{} {path} has no operationId",
                method.to_uppercase()
            ))
        })?;
        let security = op.security.as_ref().or(default_security.as_ref());
        let kinds = security.map_or_else(Vec::new, |requirements| {
            let mut kinds = Vec::new();
            for requirement in requirements {
                for name in requirement.keys() {
                    if let Some(kind) = credential_kind(original, name)
                        && !kinds.contains(&kind)
                    {
                        kinds.push(kind);
                    }
                }
            }
            kinds
        });
        let safe_method = matches!(method, "get" | "head");
        let marked_unsafe = op.extensions.get(SAFE_EXTENSION) == Some(&serde_json::json!(false));
        out.push(Operation {
            method_name: snake_case(&id),
            id,
            http_method: method.to_uppercase(),
            path,
            authenticated: security.is_none_or(|s| !s.is_empty()),
            safe: safe_method && !marked_unsafe,
            security: kinds,
        });
    }
    Ok(out)
}

/// The kind of credential the security scheme `name` stands for: `Basic` or `Bearer` for HTTP
/// schemes, `Bearer` for OAuth 2 and OpenID Connect (tokens), `ApiKey` for keys in a query,
/// header or cookie. `None` for a scheme the document does not define.
fn credential_kind(doc: &OpenAPI, name: &str) -> Option<&'static str> {
    use openapiv3::{ReferenceOr, SecurityScheme};
    let scheme = doc.components.as_ref()?.security_schemes.get(name)?;
    match scheme {
        ReferenceOr::Item(SecurityScheme::HTTP { scheme, .. }) => {
            match scheme.to_ascii_lowercase().as_str() {
                "basic" => Some("Basic"),
                "bearer" => Some("Bearer"),
                _ => None,
            }
        }
        ReferenceOr::Item(SecurityScheme::APIKey { .. }) => Some("ApiKey"),
        ReferenceOr::Item(SecurityScheme::OAuth2 { .. } | SecurityScheme::OpenIDConnect { .. }) => {
            Some("Bearer")
        }
        ReferenceOr::Reference { .. } => None,
    }
}

/// progenitor's method naming (it uses heck too), so names match `OperationInfo::operation_id`.
fn snake_case(id: &str) -> String {
    heck::ToSnakeCase::to_snake_case(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_carry_their_security_requirement() {
        let doc = crate::codegen::load::parse(
            r#"
openapi: 3.0.3
info: {title: t, version: '1'}
security: [{basic: []}]
paths:
  /a: {get: {operationId: getA, responses: {'200': {description: ok}}}}
  /b: {get: {operationId: getB, security: [], responses: {'200': {description: ok}}}}
"#,
        )
        .unwrap();
        let ops = operations(&doc).unwrap();
        let auth: Vec<_> = ops
            .iter()
            .map(|o| (o.method_name.as_str(), o.authenticated))
            .collect();
        assert_eq!(auth, [("get_a", true), ("get_b", false)]);
        // A spec without any security (Vonage v1) carries credentials on every call.
        let bare = crate::codegen::load::parse(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a: {get: {operationId: a, responses: {'200': {description: ok}}}}\n",
        )
        .unwrap();
        assert!(operations(&bare).unwrap()[0].authenticated);
    }

    #[test]
    fn only_reads_not_marked_otherwise_are_safe() {
        let doc = crate::codegen::load::parse(
            r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get: {operationId: read, responses: {'200': {description: ok}}}
    post: {operationId: write, responses: {'200': {description: ok}}}
    delete: {operationId: remove, responses: {'204': {description: ok}}}
  /b:
    get: {operationId: acts, x-safe: false, responses: {'302': {description: on}}}
    head: {operationId: peek, x-safe: true, responses: {'200': {description: ok}}}
"#,
        )
        .unwrap();
        let safe: Vec<_> = operations(&doc)
            .unwrap()
            .iter()
            .map(|o| (o.method_name.clone(), o.safe))
            .collect();
        let expected = [("read", true), ("write", false), ("remove", false)]
            .into_iter()
            .chain([("acts", false), ("peek", true)])
            .map(|(name, safe)| (name.to_owned(), safe))
            .collect::<Vec<_>>();
        assert_eq!(safe, expected);
    }

    #[test]
    fn operations_name_the_credentials_their_security_takes() {
        let doc = crate::codegen::load::parse(
            r#"
openapi: 3.0.3
info: {title: t, version: '1'}
security: [{basic: []}, {key: [], secret: []}]
paths:
  /a: {post: {operationId: form, responses: {'200': {description: ok}}}}
  /b: {get: {operationId: search, security: [{basic: []}], responses: {'200': {description: ok}}}}
  /c: {get: {operationId: token, security: [{basic: []}, {bearer: []}, {undefined: []}], responses: {'200': {description: ok}}}}
components:
  securitySchemes:
    basic: {type: http, scheme: Basic}
    bearer: {type: http, scheme: bearer, bearerFormat: JWT}
    key: {type: apiKey, in: query, name: api_key}
    secret: {type: apiKey, in: query, name: api_secret}
"#,
        )
        .unwrap();
        let kinds: Vec<_> = operations(&doc)
            .unwrap()
            .into_iter()
            .map(|o| (o.method_name, o.security))
            .collect();
        assert_eq!(
            kinds,
            [
                ("form".to_owned(), vec!["Basic", "ApiKey"]),
                ("search".to_owned(), vec!["Basic"]),
                ("token".to_owned(), vec!["Basic", "Bearer"]),
            ]
        );
    }

    #[test]
    fn method_names_follow_progenitor() {
        assert_eq!(
            snake_case("verifyRequestWithPSD2"),
            "verify_request_with_psd2"
        );
        assert_eq!(snake_case("networkUnblock"), "network_unblock");
        assert_eq!(snake_case("event-callback"), "event_callback");
    }
}
