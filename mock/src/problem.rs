//! The error bodies the mock answers with: RFC 7807 problems, as the specs document them for
//! v2 and for v1's network unblock.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

const TYPES: &str = "https://developer.vonage.com/en/api-errors/verify-v2#";

/// A problem answer: `anchor` names the documented error.
pub(crate) fn problem(status: StatusCode, anchor: &str, title: &str, detail: &str) -> Response {
    with(status, anchor, title, detail, json!({}))
}

/// A problem answer with extra members (`request_id`, `invalid_parameters`).
pub(crate) fn with(
    status: StatusCode,
    anchor: &str,
    title: &str,
    detail: &str,
    extra: Value,
) -> Response {
    typed(status, &format!("{TYPES}{anchor}"), title, detail, extra)
}

/// A problem answer whose `type` is `type_url`.
pub(crate) fn typed(
    status: StatusCode,
    type_url: &str,
    title: &str,
    detail: &str,
    extra: Value,
) -> Response {
    let mut body = json!({
        "type": type_url,
        "title": title,
        "detail": detail,
        "instance": uuid::Uuid::new_v4().to_string(),
    });
    if let (Some(body), Value::Object(extra)) = (body.as_object_mut(), extra) {
        body.extend(extra);
    }
    let mut response = (status, Json(body)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

pub(crate) fn unauthorized() -> Response {
    problem(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "Unauthorized",
        "You did not provide correct credentials.",
    )
}

pub(crate) fn not_found(request_id: &str) -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "not-found",
        "Not Found",
        &format!("Request {request_id} was not found or it has been verified already."),
    )
}

/// 422 with each `(name, reason)` in `invalid_parameters`.
pub(crate) fn invalid(parameters: &[(String, String)]) -> Response {
    let list: Vec<Value> = parameters
        .iter()
        .map(|(name, reason)| json!({"name": name, "reason": reason}))
        .collect();
    with(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid-params",
        "Invalid params",
        "The value of one or more parameters is invalid",
        json!({ "invalid_parameters": list }),
    )
}

pub(crate) fn payload_too_large() -> Response {
    (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response()
}
