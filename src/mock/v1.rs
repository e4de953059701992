//! Verify v1 on the mock: request, check, search and control, answering JSON.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::state::{Checked, Moved, Stage, Verification, digits};
use super::{AppState, Shared};

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/verify/{format}", post(request))
        .route("/verify/check/{format}", post(check))
        .route("/verify/search/{format}", get(search))
        .route("/verify/control/{format}", post(control))
}

type Fields = Vec<(String, String)>;

fn fields(bytes: &[u8]) -> Fields {
    form_urlencoded::parse(bytes).into_owned().collect()
}

fn field<'a>(fields: &'a Fields, name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
        .filter(|value| !value.is_empty())
}

/// v1 answers most failures with HTTP 200 and a non-zero `status`.
fn status(code: u16, text: &str, request_id: Option<&str>) -> Response {
    let mut body = json!({"status": code.to_string(), "error_text": text});
    if let Some(id) = request_id {
        body["request_id"] = id.into();
    }
    Json(body).into_response()
}

/// What every v1 call checks first: JSON asked for, and the credentials.
fn refuse(format: &str, headers: &HeaderMap, shared: &Shared, fields: &Fields) -> Option<Response> {
    if format != "json" {
        return Some(
            (
                StatusCode::NOT_IMPLEMENTED,
                "the mock answers v1 in JSON only",
            )
                .into_response(),
        );
    }
    (!shared.v1_auth_ok(headers, fields)).then(|| status(4, "Bad Credentials", None))
}

/// The channels of each of v1's seven workflows.
fn workflow(id: u64) -> Option<Vec<String>> {
    let steps: &[&str] = match id {
        1 => &["sms", "voice", "voice"],
        2 => &["sms", "sms", "voice"],
        3 => &["voice", "voice"],
        4 => &["sms", "sms"],
        5 => &["sms", "voice"],
        6 => &["sms"],
        7 => &["voice"],
        _ => return None,
    };
    Some(steps.iter().map(|s| (*s).to_owned()).collect())
}

async fn request(
    State(shared): AppState,
    Path(format): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let fields = fields(&body);
    if let Some(refused) = refuse(&format, &headers, &shared, &fields) {
        return refused;
    }
    let missing = |name| {
        status(
            2,
            &format!("Your request is incomplete and missing the mandatory parameter `{name}`"),
            None,
        )
    };
    let invalid = |name| status(3, &format!("Invalid value for param: {name}"), None);
    let Some(number) = field(&fields, "number") else {
        return missing("number");
    };
    let Some(brand) = field(&fields, "brand") else {
        return missing("brand");
    };
    if brand.chars().count() > 18 {
        return invalid("brand");
    }
    let number_of = |name: &str| field(&fields, name).map(str::parse::<u64>);
    let code_length = match number_of("code_length") {
        None => 4,
        Some(Ok(n @ (4 | 6))) => n as usize,
        Some(_) => return invalid("code_length"),
    };
    let pin_expiry = match number_of("pin_expiry") {
        None => 300,
        Some(Ok(n @ 60..=3600)) => n,
        Some(_) => return invalid("pin_expiry"),
    };
    let steps = match number_of("workflow_id") {
        None => workflow(1),
        Some(Ok(id)) => workflow(id),
        Some(Err(_)) => None,
    };
    let Some(steps) = steps else {
        return invalid("workflow_id");
    };
    let now = shared.clock.now();
    let mut inner = shared.lock();
    if let Some(running) = inner.verifications.in_progress_to(number, now) {
        return status(
            10,
            "Concurrent verifications to the same number are not allowed",
            Some(&running.id.clone()),
        );
    }
    let id = uuid::Uuid::new_v4().simple().to_string();
    inner.verifications.insert(Verification {
        id: id.clone(),
        to: number.to_owned(),
        brand: brand.to_owned(),
        code: field(&fields, "pin_code").map_or_else(|| digits(code_length), str::to_owned),
        steps,
        step: 0,
        started: now,
        expires: now + Duration::from_secs(pin_expiry),
        finished: None,
        stage: Stage::InProgress,
        attempts: Vec::new(),
        client_ref: None,
    });
    inner.api_of.insert(id.clone(), "v1");
    Json(json!({"request_id": id, "status": "0"})).into_response()
}

async fn check(
    State(shared): AppState,
    Path(format): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let fields = fields(&body);
    if let Some(refused) = refuse(&format, &headers, &shared, &fields) {
        return refused;
    }
    let (Some(id), Some(code)) = (field(&fields, "request_id"), field(&fields, "code")) else {
        return status(
            2,
            "Your request is incomplete and missing a mandatory parameter",
            None,
        );
    };
    let now = shared.clock.now();
    match shared.lock().verifications.check(id, code, now) {
        Checked::Verified => Json(json!({
            "request_id": id,
            "event_id": uuid::Uuid::new_v4().simple().to_string(),
            "status": "0",
            "price": "0.10000000",
            "currency": "EUR",
            "estimated_price_messages_sent": "0.03330000",
        }))
        .into_response(),
        Checked::Wrong => status(
            16,
            "The code provided does not match the expected value",
            Some(id),
        ),
        Checked::TooManyWrong => status(
            17,
            "The wrong code was provided too many times. Workflow terminated",
            Some(id),
        ),
        Checked::NotFound => not_found(id),
    }
}

fn not_found(id: &str) -> Response {
    status(
        6,
        &format!(
            "The Vonage platform was unable to process this message for the following reason: Request '{id}' was not found or it has been verified already."
        ),
        Some(id),
    )
}

async fn search(
    State(shared): AppState,
    Path(format): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let fields = fields(query.unwrap_or_default().as_bytes());
    if let Some(refused) = refuse(&format, &headers, &shared, &fields) {
        return refused;
    }
    let ids: Vec<&str> = fields
        .iter()
        .filter(|(key, _)| key == "request_id" || key == "request_ids")
        .map(|(_, value)| value.as_str())
        .collect();
    if ids.is_empty() {
        return status(
            2,
            "Your request is incomplete and missing the mandatory parameter `request_id`",
            None,
        );
    }
    let now = shared.clock.now();
    let mut inner = shared.lock();
    let found: Vec<Value> = ids
        .iter()
        .filter_map(|id| inner.verifications.get(id, now).map(described))
        .collect();
    match (
        found.len(),
        fields.iter().any(|(key, _)| key == "request_ids"),
    ) {
        (0, _) => status(101, "No response found", None),
        (1, false) => Json(found.into_iter().next().unwrap_or_default()).into_response(),
        _ => Json(json!({ "verification_requests": found })).into_response(),
    }
}

fn date(time: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(time)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// A verification as search describes it.
fn described(verification: &Verification) -> Value {
    let status = match verification.stage {
        Stage::InProgress => "IN PROGRESS",
        Stage::Completed => "SUCCESS",
        Stage::Failed => "FAILED",
        Stage::Expired => "EXPIRED",
        Stage::Cancelled => "CANCELLED",
    };
    let checks: Vec<Value> = verification
        .attempts
        .iter()
        .rev()
        .map(|attempt| {
            json!({
                "date_received": date(attempt.at),
                "code": attempt.code,
                "status": if attempt.valid { "VALID" } else { "INVALID" },
                "ip_address": "",
            })
        })
        .collect();
    let events: Vec<Value> = verification.steps
        [..=verification.step.min(verification.steps.len() - 1)]
        .iter()
        .enumerate()
        .map(|(index, channel)| {
            let kind = if channel == "voice" {
                "tts"
            } else {
                channel.as_str()
            };
            json!({"type": kind, "id": format!("{}-{index}", verification.id)})
        })
        .collect();
    json!({
        "request_id": verification.id,
        "account_id": "mockacct",
        "number": verification.to,
        "sender_id": "verify",
        "date_submitted": date(verification.started),
        "date_finalized": verification.finished.map(date).unwrap_or_default(),
        "first_event_date": date(verification.started),
        "last_event_date": date(verification.started),
        "checks": checks,
        "events": events,
        "price": "0.10000000",
        "currency": "EUR",
        "status": status,
    })
}

async fn control(
    State(shared): AppState,
    Path(format): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let fields = fields(&body);
    if let Some(refused) = refuse(&format, &headers, &shared, &fields) {
        return refused;
    }
    let (Some(id), Some(command)) = (field(&fields, "request_id"), field(&fields, "cmd")) else {
        return status(
            2,
            "Your request is incomplete and missing a mandatory parameter",
            None,
        );
    };
    let now = shared.clock.now();
    let mut inner = shared.lock();
    let moved = match command {
        "cancel" => inner.verifications.cancel(id, now, true),
        "trigger_next_event" => inner.verifications.next_step(id, now),
        _ => return status(3, "Invalid value for param: cmd", None),
    };
    match moved {
        Moved::Done => Json(json!({"status": "0", "command": command})).into_response(),
        Moved::TooEarly => status(
            19,
            &format!(
                "Verification request  ['{id}'] can't be cancelled within the first 30 seconds."
            ),
            None,
        ),
        Moved::NoMoreSteps => status(
            19,
            &format!("No more events are left to execute for the request ['{id}']"),
            None,
        ),
        Moved::NotFound => not_found(id),
    }
}
