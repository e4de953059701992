//! RFC 7807 problem replies (v2's errors, and v1's network unblock), typed.

use std::fmt;
use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde::Deserialize;
use serde_json::Value;

use crate::retry::retry_after;

/// An RFC 7807 problem the API answered with.
///
/// `kind` says which documented error it is, read from the anchor of `type` (Vonage's
/// `…/api-errors/verify-v2#concurrent`), or, where a reply has no or an unknown `type` (some
/// real replies carry none, or a generic one such as `#bad-request`), from the status and the
/// operation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Problem {
    /// What went wrong, as far as the client can tell.
    pub kind: ProblemKind,
    /// The HTTP status.
    pub status: StatusCode,
    /// The problem's `type` URI.
    pub type_uri: Option<String>,
    /// Its short title.
    pub title: Option<String>,
    /// Its explanation.
    pub detail: Option<String>,
    /// Vonage's id of this occurrence, for support.
    pub instance: Option<String>,
    /// The verification already running, on a 409 for concurrent verifications.
    pub request_id: Option<String>,
    /// The rejected parameters, on a 422 (sent as a list or as one object; both are read).
    pub invalid_parameters: Vec<InvalidParameter>,
    /// How long to wait before retrying, from `Retry-After` (on a 429): seconds, or an HTTP
    /// date read against the client's [`Clock`](crate::Clock) (a date past is no wait).
    pub retry_after: Option<Duration>,
}

/// One rejected parameter of a 422 reply.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct InvalidParameter {
    /// The parameter.
    #[serde(default)]
    pub name: Option<String>,
    /// Why it was rejected.
    #[serde(default)]
    pub reason: Option<String>,
}

macro_rules! kinds {
    ($($(#[$doc:meta])* $variant:ident = [$($anchor:literal),+];)*) => {
        /// Which documented problem a reply is.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ProblemKind {
            $($(#[$doc])* $variant,)*
            /// A problem this version of the crate does not know: the `type` anchor, or the
            /// status code when there is no anchor.
            Unknown(String),
        }

        impl ProblemKind {
            fn from_anchor(anchor: &str) -> Option<Self> {
                match anchor {
                    $($($anchor)|+ => Some(ProblemKind::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

kinds! {
    /// 409: a verification to this number is already running (`request_id` names it).
    Concurrent = ["concurrent"];
    /// 409: the current workflow step takes no code (silent authentication is running).
    NoCode = ["no-code"];
    /// 409: another conflict, such as no workflow step left to move to.
    Conflict = ["conflict"];
    /// 400: the code is wrong; the user may try again.
    InvalidCode = ["invalid-code"];
    /// 410: too many wrong codes; the verification has ended.
    Expired = ["expired", "gone"];
    /// 404: no such verification (or it was verified already).
    NotFound = ["not-found", "request-not-found"];
    /// 404: no such template.
    TemplateNotFound = ["template-not-found"];
    /// 404: no such template fragment.
    FragmentNotFound = ["template-fragment-not-found"];
    /// 422: parameters were rejected (see `invalid_parameters`; an invalid `to` number is
    /// refused this way when the verification starts, before anything is sent to it).
    InvalidParameters = ["invalid-params", "invalid-parameters", "invalid-paramater"];
    /// 429: too many requests (see `retry_after`).
    Throttled = ["throttled", "rate-limit"];
    /// 401: the credentials were rejected.
    Unauthorized = ["unauthorized"];
    /// 401: the JWT has expired.
    JwtExpired = ["jwt-expired"];
    /// 402: the account balance is too low.
    LowBalance = ["low-balance"];
    /// 403: the account may not do this (e.g. template management is not enabled).
    Forbidden = ["forbidden"];
    /// 412: silent authentication cannot start (e.g. the network is not supported).
    PreconditionFailed = ["precondition-failed"];
    /// 409: a template with that name exists.
    TemplateExists = ["template-exists"];
    /// 409: the account has as many templates as it may.
    MaxTemplates = ["max-templates"];
    /// 409: a fragment for that channel and locale exists.
    FragmentExists = ["fragment-exists"];
    /// 409: a template that still has fragments cannot be deleted.
    NotEmptyTemplate = ["not-empty-template"];
    /// Silent auth: the device's number does not match.
    MsisdnError = ["msisdn-error"];
    /// Silent auth: the mobile network could not be used.
    NetworkError = ["network-error"];
    /// Verify: no event is left to trigger (Vonage lists the code without explaining it).
    NoEvents = ["no-events"];
    /// 500: Vonage could not process the request.
    InternalError = ["internal-error"];
    /// 401: the JWT has been revoked.
    JwtRevoked = ["jwt-revoked"];
    /// The API key is unknown, or does not belong to this account.
    InvalidApiKey = ["invalid-api-key"];
    /// The request's signature did not validate.
    InvalidSignature = ["invalid-signature"];
    /// The credentials are not enabled for this product.
    Unprovisioned = ["unprovisioned"];
    /// The account is suspended.
    AccountSuspended = ["account-suspended"];
    /// The Vonage application is suspended.
    ApplicationSuspended = ["application-suspended"];
    /// The account has no quota left for this (seen as a 401).
    QuotaExceeded = ["quota-exceeded"];
    /// The request's IP address is not on the account's allow list.
    InvalidIp = ["invalid-ip"];
    /// The request carried more than one way of authenticating.
    MultipleAuthMethods = ["multiple-auth-methods"];
    /// An id that does not exist.
    InvalidId = ["invalid-id"];
    /// The body is not valid JSON.
    InvalidJson = ["invalid-json"];
    /// The HTTP method is not supported on this path.
    WrongVerb = ["wrong-verb"];
    /// The `Accept` header asks for a type the API does not serve.
    UnsupportedAccept = ["accept-header"];
    /// The `Content-Type` is one the API does not take.
    UnsupportedContentType = ["content-type-header"];
    /// Refused for legal reasons (sanctioned regions).
    UnavailableForLegalReasons = ["unavailable-legal"];
}

/// The fields of a problem body; everything is optional, so a partial body still reads.
#[derive(Deserialize)]
struct Body {
    #[serde(rename = "type")]
    type_uri: Option<String>,
    title: Option<String>,
    detail: Option<String>,
    instance: Option<String>,
    request_id: Option<String>,
    #[serde(default)]
    invalid_parameters: Option<Value>,
}

impl Problem {
    /// Reads a problem from an error reply, if the body is one (a JSON object with at least
    /// one of `type`, `title` or `detail`).
    /// A `Retry-After` date is read against `now`.
    pub(crate) fn parse(
        operation: &str,
        status: StatusCode,
        headers: Option<&HeaderMap>,
        body: &[u8],
        now: SystemTime,
    ) -> Option<Self> {
        let body: Body = serde_json::from_slice(body).ok()?;
        if body.type_uri.is_none() && body.title.is_none() && body.detail.is_none() {
            return None;
        }
        let kind = classify(operation, status, &body);
        let invalid_parameters = match body.invalid_parameters {
            Some(Value::Array(items)) => items
                .into_iter()
                .filter_map(|item| serde_json::from_value(item).ok())
                .collect(),
            Some(item @ Value::Object(_)) => serde_json::from_value(item).into_iter().collect(),
            _ => Vec::new(),
        };
        let retry_after = headers
            .and_then(|h| h.get(RETRY_AFTER))
            .and_then(|value| retry_after(value, now));
        Some(Problem {
            kind,
            status,
            type_uri: body.type_uri,
            title: body.title,
            detail: body.detail,
            instance: body.instance,
            request_id: body.request_id,
            invalid_parameters,
            retry_after,
        })
    }
}

fn classify(operation: &str, status: StatusCode, body: &Body) -> ProblemKind {
    let anchor = body
        .type_uri
        .as_deref()
        .and_then(|t| t.rsplit_once('#'))
        .map(|(_, anchor)| anchor.trim().to_ascii_lowercase());
    if let Some(kind) = anchor.as_deref().and_then(ProblemKind::from_anchor) {
        // A generic `#conflict` on a start is the concurrent-verification conflict.
        if kind == ProblemKind::Conflict && is_concurrent(body) {
            return ProblemKind::Concurrent;
        }
        return kind;
    }
    let detail = body
        .detail
        .as_deref()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match status.as_u16() {
        400 if operation == "check_code" => ProblemKind::InvalidCode,
        401 if detail.contains("expired") => ProblemKind::JwtExpired,
        401 => ProblemKind::Unauthorized,
        402 => ProblemKind::LowBalance,
        403 => ProblemKind::Forbidden,
        // Only calls on one fragment can miss the fragment; the others miss the template.
        404 if operation.ends_with("_template_fragment") => ProblemKind::FragmentNotFound,
        404 if operation.contains("template") => ProblemKind::TemplateNotFound,
        404 => ProblemKind::NotFound,
        409 if is_concurrent(body) => ProblemKind::Concurrent,
        409 if detail.contains("does not support a code") => ProblemKind::NoCode,
        409 => ProblemKind::Conflict,
        410 => ProblemKind::Expired,
        412 => ProblemKind::PreconditionFailed,
        422 => ProblemKind::InvalidParameters,
        429 => ProblemKind::Throttled,
        _ => ProblemKind::Unknown(anchor.unwrap_or_else(|| status.as_u16().to_string())),
    }
}

/// Real 409 replies to a start have been seen without a `type`, and with a generic one.
fn is_concurrent(body: &Body) -> bool {
    body.request_id.is_some()
        || body
            .detail
            .as_deref()
            .is_some_and(|d| d.to_ascii_lowercase().contains("concurrent"))
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.title.as_deref().unwrap_or("problem"))?;
        if let Some(detail) = &self.detail {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// 2026-12-01T00:00:00Z.
    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_083_200)
    }

    fn kind(operation: &str, status: u16, body: Value) -> ProblemKind {
        let status = StatusCode::from_u16(status).unwrap();
        Problem::parse(operation, status, None, body.to_string().as_bytes(), now())
            .unwrap()
            .kind
    }

    #[test]
    fn kinds_come_from_the_type_anchor_whichever_host_and_path_it_has() {
        let cases = [
            (
                "https://developer.vonage.com/en/api-errors/verify-v2#concurrent",
                409,
                ProblemKind::Concurrent,
            ),
            (
                "https://www.developer.vonage.com/api-errors/verify#conflict",
                409,
                ProblemKind::Conflict,
            ),
            (
                "https://developer.vonage.com/en/api-errors/verify-v2#invalid-code",
                400,
                ProblemKind::InvalidCode,
            ),
            (
                "https://developer.nexmo.com/api-errors#gone",
                410,
                ProblemKind::Expired,
            ),
            (
                "https://www.developer.vonage.com/api-errors/verify#expired",
                410,
                ProblemKind::Expired,
            ),
            (
                "https://developer.vonage.com/api-errors#not-found",
                404,
                ProblemKind::NotFound,
            ),
            (
                "…/verify-v2#template-fragment-not-found",
                404,
                ProblemKind::FragmentNotFound,
            ),
            (
                "…/verify-v2#template-not-found",
                404,
                ProblemKind::TemplateNotFound,
            ),
            (
                "https://developer.vonage.com/en/api-errors#invalid-params",
                422,
                ProblemKind::InvalidParameters,
            ),
            (
                "https://www.developer.vonage.com/api-errors#throttled",
                429,
                ProblemKind::Throttled,
            ),
            (
                "https://developer.vonage.com/api-errors#unauthorized",
                401,
                ProblemKind::Unauthorized,
            ),
            (
                "https://developer.vonage.com/en/api-errors#jwt-expired",
                401,
                ProblemKind::JwtExpired,
            ),
            (
                "https://developer.vonage.com/en/api-errors/#low-balance",
                402,
                ProblemKind::LowBalance,
            ),
            (
                "…/api-errors/api-errors/verify-v2#forbidden",
                403,
                ProblemKind::Forbidden,
            ),
            (
                "…/verify-v2#precondition-failed",
                412,
                ProblemKind::PreconditionFailed,
            ),
            ("…/verify-v2#no-code", 409, ProblemKind::NoCode),
            (
                "…/verify-v2#template-exists",
                409,
                ProblemKind::TemplateExists,
            ),
            ("…/verify-v2#max-templates", 409, ProblemKind::MaxTemplates),
            (
                "…/verify-v2#fragment-exists",
                409,
                ProblemKind::FragmentExists,
            ),
            (
                "…/verify-v2#not-empty-template",
                409,
                ProblemKind::NotEmptyTemplate,
            ),
            ("…/verify-v2#no-events", 409, ProblemKind::NoEvents),
            (
                "https://developer.vonage.com/api-errors#jwt-revoked",
                401,
                ProblemKind::JwtRevoked,
            ),
            (
                "https://developer.vonage.com/api-errors#invalid-api-key",
                401,
                ProblemKind::InvalidApiKey,
            ),
            (
                "https://developer.vonage.com/api-errors#invalid-signature",
                401,
                ProblemKind::InvalidSignature,
            ),
            (
                "https://developer.vonage.com/api-errors#unprovisioned",
                403,
                ProblemKind::Unprovisioned,
            ),
            (
                "https://developer.vonage.com/api-errors#account-suspended",
                403,
                ProblemKind::AccountSuspended,
            ),
            (
                "https://developer.vonage.com/api-errors#application-suspended",
                403,
                ProblemKind::ApplicationSuspended,
            ),
            (
                "https://developer.nexmo.com/api-errors#quota-exceeded",
                401,
                ProblemKind::QuotaExceeded,
            ),
            (
                "https://developer.vonage.com/api-errors#invalid-ip",
                403,
                ProblemKind::InvalidIp,
            ),
            (
                "https://developer.vonage.com/api-errors#multiple-auth-methods",
                400,
                ProblemKind::MultipleAuthMethods,
            ),
            (
                "https://developer.vonage.com/api-errors#invalid-id",
                404,
                ProblemKind::InvalidId,
            ),
            (
                "https://developer.vonage.com/api-errors#invalid-json",
                400,
                ProblemKind::InvalidJson,
            ),
            (
                "https://developer.vonage.com/api-errors#wrong-verb",
                405,
                ProblemKind::WrongVerb,
            ),
            (
                "https://developer.vonage.com/api-errors#accept-header",
                406,
                ProblemKind::UnsupportedAccept,
            ),
            (
                "https://developer.vonage.com/api-errors#content-type-header",
                415,
                ProblemKind::UnsupportedContentType,
            ),
            (
                "https://developer.vonage.com/api-errors#unavailable-legal",
                451,
                ProblemKind::UnavailableForLegalReasons,
            ),
            (
                "https://developer.vonage.com/api-errors#internal-error",
                500,
                ProblemKind::InternalError,
            ),
            (
                "https://developer.vonage.com/api-errors/verify#invalid-paramater",
                422,
                ProblemKind::InvalidParameters,
            ),
            (
                "…/verify-v2#something-new",
                418,
                ProblemKind::Unknown("something-new".into()),
            ),
        ];
        for (type_uri, status, expected) in cases {
            assert_eq!(
                kind("any", status, json!({"type": type_uri, "title": "t"})),
                expected,
                "{type_uri}"
            );
        }
    }

    #[test]
    fn replies_without_a_useful_type_are_read_from_status_and_operation() {
        // A real-looking 409 with no `type`, and a 400 typed only `#bad-request`.
        let concurrent = json!({"title": "Conflict", "detail": "Concurrent verifications to the same number are not allowed", "request_id": "c11236f4-00bf-4b89-84ba-88b25df97315"});
        assert_eq!(
            kind("new_request", 409, concurrent),
            ProblemKind::Concurrent
        );
        let generic = json!({"type": "https://developer.nexmo.com/api-errors#bad-request", "title": "Invalid Code", "detail": "The code you provided does not match the expected value."});
        assert_eq!(
            kind("check_code", 400, generic.clone()),
            ProblemKind::InvalidCode
        );
        assert_eq!(
            kind("new_request", 400, generic),
            ProblemKind::Unknown("bad-request".into())
        );
        let no_code = json!({"title": "Conflict", "detail": "The current Verify workflow step does not support a code."});
        assert_eq!(kind("check_code", 409, no_code), ProblemKind::NoCode);
        let no_more = json!({"type": "https://developer.nexmo.com/api-errors#conflict", "title": "Conflict", "detail": "There are no more events left to trigger."});
        assert_eq!(kind("next_workflow", 409, no_more), ProblemKind::Conflict);
        let missing = json!({"title": "Not Found", "detail": "Template Fragment was not found."});
        assert_eq!(
            kind("get_template_fragment", 404, missing.clone()),
            ProblemKind::FragmentNotFound
        );
        assert_eq!(
            kind("delete_template", 404, missing.clone()),
            ProblemKind::TemplateNotFound
        );
        assert_eq!(kind("cancel_request", 404, missing), ProblemKind::NotFound);
    }

    #[test]
    fn invalid_parameters_as_list_or_object_and_retry_after() {
        let list = json!({"title": "Invalid params", "invalid_parameters": [{"name": "to", "reason": "Invalid format"}, {"name": "brand"}]});
        let one = json!({"title": "Invalid params", "invalid_parameters": {"name": "to", "reason": "Invalid format"}});
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        let from_list =
            Problem::parse("x", status, None, list.to_string().as_bytes(), now()).unwrap();
        let from_one =
            Problem::parse("x", status, None, one.to_string().as_bytes(), now()).unwrap();
        assert_eq!(from_list.invalid_parameters.len(), 2);
        assert_eq!(
            from_one.invalid_parameters,
            from_list.invalid_parameters[..1]
        );
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "7".parse().unwrap());
        let throttled = |headers: &HeaderMap| {
            Problem::parse(
                "x",
                StatusCode::TOO_MANY_REQUESTS,
                Some(headers),
                br#"{"title":"Rate Limit Hit"}"#,
                now(),
            )
            .unwrap()
            .retry_after
        };
        assert_eq!(throttled(&headers), Some(Duration::from_secs(7)));
        // An HTTP date, read against the clock, as the retry policy reads it.
        headers.insert(
            RETRY_AFTER,
            "Tue, 01 Dec 2026 00:01:30 GMT".parse().unwrap(),
        );
        assert_eq!(throttled(&headers), Some(Duration::from_secs(90)));
        headers.insert(
            RETRY_AFTER,
            "Mon, 30 Nov 2026 00:00:00 GMT".parse().unwrap(),
        );
        assert_eq!(throttled(&headers), Some(Duration::ZERO), "a date past");
        headers.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(throttled(&headers), None);
        // Not a problem: HTML, an empty object, a JSON array.
        for body in [&b"<html/>"[..], b"{}", b"[]"] {
            assert!(Problem::parse("x", status, None, body, now()).is_none());
        }
    }

    /// Vonage refuses an invalid `to` number at the start with a 422 naming it.
    #[test]
    fn an_invalid_number_names_the_parameter() {
        let body = json!({
            "type": "https://developer.vonage.com/en/api-errors#invalid-params",
            "title": "Invalid params",
            "detail": "The value of one or more parameters is invalid.",
            "instance": "5b8e2f0c-1d3a-4e6b-9c7f-2a1b0c9d8e7f",
            "invalid_parameters": [{"name": "to", "reason": "'to' phone number is invalid"}]
        });
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        let problem = Problem::parse(
            "new_request",
            status,
            None,
            body.to_string().as_bytes(),
            now(),
        )
        .unwrap();
        assert_eq!(problem.kind, ProblemKind::InvalidParameters);
        assert_eq!(
            problem.invalid_parameters,
            [InvalidParameter {
                name: Some("to".into()),
                reason: Some("'to' phone number is invalid".into())
            }]
        );
    }
}
