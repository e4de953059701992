//! Network unblock, on v1 and v2: lifts a block the test set up with
//! [`MockServerBuilder::blocked_network`](crate::MockServerBuilder::blocked_network).

use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::problem::typed;
use super::shared::{AppState, Shared};
use super::v1::fields::form;

/// The `type` of each documented error, as the spec's examples give them.
const NOT_FOUND: &str = "https://developer.vonage.com/api-errors#bad-request";
const UNPROCESSABLE: &str = "https://developer.vonage.com/api-errors#invalid-paramater";
const UNAUTHORIZED: &str = "https://developer.vonage.com/api-errors#unauthorized";
/// The longest unblock, in seconds.
const MAX_DURATION: u64 = 86_400;
const DEFAULT_DURATION: u64 = 3_600;

/// v1's `POST /verify/network-unblock`, which answers 202.
pub(crate) async fn v1(
    State(shared): AppState,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let query = form(query.unwrap_or_default().as_bytes());
    if !shared.v1_auth_ok(&headers, &query) {
        return typed(
            StatusCode::UNAUTHORIZED,
            UNAUTHORIZED,
            "Unauthorized",
            "You did not provide correct credentials.",
            json!({}),
        );
    }
    lift(&shared, &body, StatusCode::ACCEPTED)
}

/// v2's `POST /v2/verify/network-unblock` (its credentials checked with every v2 route's),
/// which answers 200 as Vonage's guide shows.
pub(crate) async fn v2(State(shared): AppState, body: Bytes) -> Response {
    lift(&shared, &body, StatusCode::OK)
}

/// Lifts the block `body` names, answering `success` with when it comes back. The duration
/// is taken as an integer or as a string of digits: Vonage's own examples send it as a string.
fn lift(shared: &Shared, body: &[u8], success: StatusCode) -> Response {
    let request: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let unprocessable = |title: &str, detail: &str, name: &str, reason: &str| {
        typed(
            StatusCode::UNPROCESSABLE_ENTITY,
            UNPROCESSABLE,
            title,
            detail,
            json!({"invalid_parameters": [{"name": name, "reason": reason}]}),
        )
    };
    let Some(network) = request["network"].as_str().filter(|n| !n.is_empty()) else {
        return unprocessable(
            "Network not found.",
            "Network is not in the request.",
            "network",
            "Network not found",
        );
    };
    let duration = match &request["unblock_duration"] {
        Value::Null => DEFAULT_DURATION,
        value => match value
            .as_u64()
            .or_else(|| value.as_str().and_then(|text| text.parse().ok()))
            .filter(|n| *n <= MAX_DURATION)
        {
            Some(n) => n,
            None => {
                return unprocessable(
                    "Invalid unblock_duration parameter",
                    "Unblock duration is invalid.",
                    "unblock_duration",
                    "must be 0 to 86400",
                );
            }
        },
    };
    let now = shared.clock.now();
    if !shared.lock().blocked_networks.remove(network) {
        return typed(
            StatusCode::NOT_FOUND,
            NOT_FOUND,
            "Not Found",
            "The network you provided does not have an active block.",
            json!({}),
        );
    }
    let until = chrono::DateTime::<chrono::Utc>::from(now + Duration::from_secs(duration));
    (
        success,
        Json(json!({
            "network": network,
            "unblocked_until": until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        })),
    )
        .into_response()
}
