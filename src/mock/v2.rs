//! Verify v2 on the mock: start, check, cancel and next_workflow.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

use super::problem::{self, problem};
use super::state::{Checked, Moved, Stage, Verification, digits};
use super::{AppState, Shared};

/// The channels a workflow step may name.
const CHANNELS: [&str; 7] = [
    "sms",
    "whatsapp",
    "whatsapp_interactive",
    "voice",
    "email",
    "silent_auth",
    "rcs",
];

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/v2/verify", post(start))
        .route("/v2/verify/{request_id}", post(check).delete(cancel))
        .route("/v2/verify/{request_id}/next_workflow", post(next_workflow))
}

async fn start(State(shared): AppState, body: Bytes) -> Response {
    let request: Value = match serde_json::from_slice(&body) {
        Ok(value @ Value::Object(_)) => value,
        _ => return problem::invalid(&[("body".into(), "must be a JSON object".into())]),
    };
    let parsed = match StartRequest::read(&request) {
        Ok(parsed) => parsed,
        Err(invalid) => return problem::invalid(&invalid),
    };
    let now = shared.clock.now();
    let mut inner = shared.lock();
    if let Some(running) = inner.verifications.in_progress_to(&parsed.to, now) {
        return problem::with(
            StatusCode::CONFLICT,
            "concurrent",
            "Conflict",
            "Concurrent verifications to the same number are not allowed.",
            json!({ "request_id": running.id }),
        );
    }
    let id = uuid::Uuid::new_v4().to_string();
    let steps = parsed.steps.len() as u32;
    inner.verifications.insert(Verification {
        id: id.clone(),
        to: parsed.to,
        brand: parsed.brand,
        code: parsed.code.unwrap_or_else(|| digits(parsed.code_length)),
        steps: parsed.steps.clone(),
        step: 0,
        started: now,
        expires: now + Duration::from_secs(parsed.channel_timeout) * steps,
        finished: None,
        stage: Stage::InProgress,
        attempts: Vec::new(),
        client_ref: parsed.client_ref,
    });
    inner.api_of.insert(id.clone(), "v2");
    let mut reply = json!({ "request_id": id });
    if parsed.steps.first().is_some_and(|c| c == "silent_auth") {
        reply["check_url"] =
            format!("{}/v2/verify/{id}/silent-auth/redirect", shared.base_url).into();
    }
    (StatusCode::ACCEPTED, Json(reply)).into_response()
}

/// The start request's fields the mock acts on, checked as the spec constrains them.
struct StartRequest {
    brand: String,
    to: String,
    steps: Vec<String>,
    code: Option<String>,
    code_length: usize,
    channel_timeout: u64,
    client_ref: Option<String>,
}

impl StartRequest {
    fn read(request: &Value) -> Result<Self, Vec<(String, String)>> {
        let mut invalid = Vec::new();
        let mut fail =
            |name: &str, reason: &str| invalid.push((name.to_owned(), reason.to_owned()));
        let brand = request["brand"].as_str().unwrap_or_default().to_owned();
        if brand.is_empty() || brand.chars().count() > 18 {
            fail("brand", "must be 1 to 18 characters");
        }
        let workflow = request["workflow"].as_array().cloned().unwrap_or_default();
        if !(1..=3).contains(&workflow.len()) {
            fail("workflow", "must have 1 to 3 steps");
        }
        let mut steps = Vec::new();
        for (index, step) in workflow.iter().enumerate() {
            let channel = step["channel"].as_str().unwrap_or_default();
            if !CHANNELS.contains(&channel) {
                fail(&format!("workflow[{index}].channel"), "is not a channel");
            }
            if step["to"].as_str().is_none_or(str::is_empty) {
                fail(&format!("workflow[{index}].to"), "is required");
            }
            if channel == "silent_auth" && index > 0 {
                fail(
                    &format!("workflow[{index}].channel"),
                    "silent_auth must be the first step",
                );
            }
            steps.push(channel.to_owned());
        }
        let code_length = match &request["code_length"] {
            Value::Null => 4,
            value => match value.as_u64() {
                Some(n @ 4..=10) => n as usize,
                _ => {
                    fail("code_length", "must be 4 to 10");
                    4
                }
            },
        };
        let channel_timeout = match &request["channel_timeout"] {
            Value::Null => 300,
            value => match value.as_u64() {
                Some(n @ 15..=900) => n,
                _ => {
                    fail("channel_timeout", "must be 15 to 900");
                    300
                }
            },
        };
        let code = request["code"].as_str().map(str::to_owned);
        if code.as_deref().is_some_and(|c| {
            !(4..=10).contains(&c.len()) || !c.chars().all(|c| c.is_ascii_alphanumeric())
        }) {
            fail("code", "must be 4 to 10 letters or digits");
        }
        if !invalid.is_empty() {
            return Err(invalid);
        }
        Ok(Self {
            brand,
            to: workflow[0]["to"].as_str().unwrap_or_default().to_owned(),
            steps,
            code,
            code_length,
            channel_timeout,
            client_ref: request["client_ref"].as_str().map(str::to_owned),
        })
    }
}

async fn check(State(shared): AppState, Path(request_id): Path<String>, body: Bytes) -> Response {
    let code = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|body| body["code"].as_str().map(str::to_owned));
    let Some(code) = code else {
        return problem::invalid(&[("code".into(), "is required".into())]);
    };
    let now = shared.clock.now();
    let mut inner = shared.lock();
    if let Some(verification) = inner.verifications.get(&request_id, now)
        && verification.stage == Stage::InProgress
        && verification
            .steps
            .get(verification.step)
            .is_some_and(|c| c == "silent_auth")
    {
        return problem(
            StatusCode::CONFLICT,
            "no-code",
            "Conflict",
            "The current Verify workflow step does not support a code.",
        );
    }
    match inner.verifications.check(&request_id, &code, now) {
        Checked::Verified => (
            StatusCode::OK,
            Json(json!({"request_id": request_id, "status": "completed"})),
        )
            .into_response(),
        Checked::Wrong => problem(
            StatusCode::BAD_REQUEST,
            "invalid-code",
            "Invalid Code",
            "The code you provided does not match the expected value.",
        ),
        Checked::TooManyWrong => problem(
            StatusCode::GONE,
            "expired",
            "Invalid Code",
            "An incorrect code has been provided too many times. Workflow terminated.",
        ),
        Checked::NotFound => problem::not_found(&request_id),
    }
}

async fn cancel(State(shared): AppState, Path(request_id): Path<String>) -> Response {
    let now = shared.clock.now();
    match shared.lock().verifications.cancel(&request_id, now, false) {
        Moved::Done => StatusCode::NO_CONTENT.into_response(),
        _ => problem::not_found(&request_id),
    }
}

async fn next_workflow(State(shared): AppState, Path(request_id): Path<String>) -> Response {
    let now = shared.clock.now();
    match shared.lock().verifications.next_step(&request_id, now) {
        Moved::Done => StatusCode::OK.into_response(),
        Moved::NoMoreSteps | Moved::TooEarly => problem(
            StatusCode::CONFLICT,
            "conflict",
            "Conflict",
            "There are no more events left to trigger.",
        ),
        Moved::NotFound => problem::not_found(&request_id),
    }
}
