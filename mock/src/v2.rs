//! Verify v2 on the mock: start, check, cancel and next_workflow.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::problem::{self, problem};
use super::shared::{AppState, Shared};
use super::state::{Api, Carrier, Checked, Moved, Stage, Verification, digits};
use super::unblock;
use super::webhooks::check_url;
use vonage_verify::v2::raw::types as spec;

/// Seconds each step lasts when the request does not say (the spec's default).
const DEFAULT_CHANNEL_TIMEOUT: u64 = 180;

/// The routes that take no credentials: the device opens the silent-auth check URL.
pub(crate) fn public_routes() -> Router<Arc<Shared>> {
    Router::new().route(
        "/v2/verify/{request_id}/silent-auth/redirect",
        get(silent_auth_redirect),
    )
}

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/v2/verify", post(start))
        // A literal segment wins over `{request_id}` in axum's router, as on the real API.
        .route("/v2/verify/network-unblock", post(unblock::v2))
        .route("/v2/verify/{request_id}", post(check).delete(cancel))
        .route("/v2/verify/{request_id}/next_workflow", post(next_workflow))
}

async fn start(State(shared): AppState, headers: HeaderMap, body: Bytes) -> Response {
    let request: Value = match serde_json::from_slice(&body) {
        Ok(value @ Value::Object(_)) => value,
        _ => return problem::invalid(&[("body".into(), "must be a JSON object".into())]),
    };
    let parsed = match StartRequest::read(&request) {
        Ok(parsed) => parsed,
        Err(invalid) => return problem::invalid(&invalid),
    };
    // Vonage documents that silent authentication does not take HTTP Basic (its callbacks
    // need an application); what it answers is not documented, so the mock's 401 is a guess.
    if parsed.steps.iter().any(|c| c == "silent_auth") && shared.keys.basic_ok(&headers) {
        return problem(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Unauthorized",
            "Silent authentication needs an application JWT; HTTP Basic is not supported.",
        );
    }
    let now = shared.clock.now();
    let mut inner = shared.lock();
    if let Some(running) = inner.verifications.in_progress_to(Api::V2, &parsed.to, now) {
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
    let to = parsed.to.clone();
    inner.verifications.insert(Verification {
        id: id.clone(),
        api: Api::V2,
        to: parsed.to,
        brand: parsed.brand,
        code: parsed.code.unwrap_or_else(|| digits(parsed.code_length)),
        steps: parsed.steps.clone(),
        step: 0,
        started: now,
        initiated: vec![now],
        channel_timeout: parsed.channel_timeout,
        redirect_url: parsed.redirect_url,
        silent_code_issued: false,
        carrier: Carrier::for_number(&to),
        ended_steps: Vec::new(),
        expires: now + Duration::from_secs(parsed.channel_timeout) * steps,
        finished: None,
        stage: Stage::InProgress,
        attempts: Vec::new(),
        client_ref: parsed.client_ref,
    });
    let mut reply = json!({ "request_id": id });
    if parsed.steps.first().is_some_and(|c| c == "silent_auth") {
        reply["check_url"] = check_url(&shared.base_url, &id).into();
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
    redirect_url: Option<String>,
}

impl StartRequest {
    fn read(request: &Value) -> Result<Self, Vec<(String, String)>> {
        let mut invalid = Vec::new();
        // The generated types carry the spec's patterns, lengths and enums, so the mock
        // refuses exactly what the spec does; what they leave out is checked by hand below.
        conforms::<spec::Brand>(request, "brand", &mut invalid);
        conforms::<spec::ClientRef>(request, "client_ref", &mut invalid);
        conforms::<spec::Code>(request, "code", &mut invalid);
        conforms::<spec::CodeLength>(request, "code_length", &mut invalid);
        conforms::<spec::Language>(request, "locale", &mut invalid);
        conforms::<spec::TemplateId>(request, "template_id", &mut invalid);
        conforms::<spec::FraudCheck>(request, "fraud_check", &mut invalid);
        if request["brand"].is_null() {
            invalid.push(("brand".into(), "is required".into()));
        }
        let workflow = request["workflow"].as_array().cloned().unwrap_or_default();
        if !(1..=3).contains(&workflow.len()) {
            invalid.push(("workflow".into(), "must have 1 to 3 steps".into()));
        }
        let mut steps = Vec::new();
        for (index, step) in workflow.iter().enumerate() {
            let channel = step["channel"].as_str().unwrap_or_default();
            // A step's fields depend on its channel: the spec's tagged union knows which.
            if let Err(error) =
                serde_json::from_value::<spec::NewRequestBodyWorkflowItem>(step.clone())
            {
                invalid.push((format!("workflow[{index}]"), error.to_string()));
            } else if channel != "email" && !is_phone_number(step["to"].as_str().unwrap_or("")) {
                // Vonage checks numbers when the verification starts, and refuses one that
                // is not a number at once (the spec only bounds the length).
                invalid.push(("to".into(), "'to' phone number is invalid".into()));
            }
            if channel == "silent_auth" && index > 0 {
                invalid.push((
                    format!("workflow[{index}].channel"),
                    "silent_auth must be the first step".into(),
                ));
            }
            steps.push(channel.to_owned());
        }
        // `ChannelTimeout` is a bare integer in the generated code: its range is checked here.
        let channel_timeout = match &request["channel_timeout"] {
            Value::Null => DEFAULT_CHANNEL_TIMEOUT,
            value => match value.as_u64() {
                Some(n @ 15..=900) => n,
                _ => {
                    invalid.push(("channel_timeout".into(), "must be 15 to 900".into()));
                    DEFAULT_CHANNEL_TIMEOUT
                }
            },
        };
        if !invalid.is_empty() {
            return Err(invalid);
        }
        let text = |value: &Value| value.as_str().map(str::to_owned);
        Ok(Self {
            brand: text(&request["brand"]).unwrap_or_default(),
            to: text(&workflow[0]["to"]).unwrap_or_default(),
            steps,
            code: text(&request["code"]),
            code_length: request["code_length"]
                .as_u64()
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(4),
            channel_timeout,
            client_ref: text(&request["client_ref"]),
            redirect_url: text(&workflow[0]["redirect_url"]),
        })
    }
}

/// Whether `to` is an E.164 number: 7 to 15 digits, with a `+` in front at most (Vonage's
/// test numbers are written so).
fn is_phone_number(to: &str) -> bool {
    let digits = to.strip_prefix('+').unwrap_or(to);
    (7..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Records why `request[name]`, when present, is not a `T`.
fn conforms<T: DeserializeOwned>(request: &Value, name: &str, invalid: &mut Vec<(String, String)>) {
    let value = &request[name];
    if !value.is_null()
        && let Err(error) = serde_json::from_value::<T>(value.clone())
    {
        invalid.push((name.to_owned(), error.to_string()));
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
    if let Some(verification) = inner.verifications.get(Api::V2, &request_id, now)
        && verification.stage == Stage::InProgress
        && verification.channel() == "silent_auth"
        && !verification.silent_code_issued
    {
        return problem(
            StatusCode::CONFLICT,
            "no-code",
            "Conflict",
            "The current Verify workflow step does not support a code.",
        );
    }
    match inner.verifications.check(Api::V2, &request_id, &code, now) {
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
    match shared
        .lock()
        .verifications
        .cancel(Api::V2, &request_id, now)
    {
        Moved::Done => StatusCode::NO_CONTENT.into_response(),
        _ => problem::not_found(&request_id),
    }
}

async fn next_workflow(State(shared): AppState, Path(request_id): Path<String>) -> Response {
    let now = shared.clock.now();
    match shared
        .lock()
        .verifications
        .next_step(Api::V2, &request_id, now)
    {
        Moved::Done => StatusCode::OK.into_response(),
        Moved::NoMoreSteps | Moved::TooEarly | Moved::TooLate => problem(
            StatusCode::CONFLICT,
            "conflict",
            "Conflict",
            "There are no more events left to trigger.",
        ),
        Moved::NotFound => problem::not_found(&request_id),
    }
}

/// What the device gets at the end of the silent-auth check: the mock plays a carrier that
/// recognises the number at once, or, for the Virtual Operator's numbers (country code 990),
/// answers as Vonage documents by the number's end. The code comes as JSON, or in the
/// fragment of a redirect to the step's `redirect_url` when it has one; a refusal comes in
/// that fragment as `error_description`, or, without a `redirect_url`, as a 412 problem.
async fn silent_auth_redirect(State(shared): AppState, Path(request_id): Path<String>) -> Response {
    let now = shared.clock.now();
    let mut inner = shared.lock();
    let Some(verification) = inner.verifications.get_mut(Api::V2, &request_id, now) else {
        return problem::not_found(&request_id);
    };
    if verification.stage != Stage::InProgress {
        return problem::not_found(&request_id);
    }
    if verification.channel() != "silent_auth" {
        return problem(
            StatusCode::CONFLICT,
            "conflict",
            "Conflict",
            "The current Verify workflow step is not silent authentication.",
        );
    }
    let redirect_url = verification.redirect_url.clone();
    let to_device = |pairs: &[(&str, &str)]| {
        let url = redirect_url.as_deref()?;
        let fragment = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        Some(
            (
                StatusCode::FOUND,
                [(http::header::LOCATION, format!("{url}#{fragment}"))],
            )
                .into_response(),
        )
    };
    if let Some((status, description)) = verification.carrier.refusal() {
        inner
            .verifications
            .refuse_step(Api::V2, &request_id, status, now);
        let pairs = [
            ("request_id", request_id.as_str()),
            ("error_description", description),
        ];
        return to_device(&pairs).unwrap_or_else(|| {
            problem(
                StatusCode::PRECONDITION_FAILED,
                "precondition-failed",
                "Silent authentication failed",
                description,
            )
        });
    }
    verification.silent_code_issued = true;
    let code = verification.code.clone();
    let pairs = [("request_id", request_id.as_str()), ("code", code.as_str())];
    to_device(&pairs)
        .unwrap_or_else(|| Json(json!({"request_id": request_id, "code": code})).into_response())
}
