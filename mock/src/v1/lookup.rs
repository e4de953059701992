//! Working on started v1 verifications: check, search and control.

use std::time::SystemTime;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;

use super::fields::{conform, field, fields, form, gate, invalid, missing};
use super::reply::{Fields, Node, Reply};
use crate::shared::AppState;
use crate::state::{Api, Checked, Moved, Stage, Verification};
use vonage_verify::v1::raw::types as spec;

const CHECK: &str = "verify_check";
const SEARCH: &str = "verify_search";
const CONTROL: &str = "verify_control";
/// Check replies and search errors are written under `verify_response` (V1 facts, §2).
const RESPONSE: &str = "verify_response";
/// Control replies, success or not, are written under `response`.
const CONTROL_ROOT: &str = "response";
/// Search takes at most this many `request_ids`.
const MAX_SEARCH_IDS: usize = 10;

pub(crate) async fn check(
    State(shared): AppState,
    Path(format): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = fields(&headers, query.as_deref(), &body);
    let format = match gate(&format, &headers, &shared, &form, CHECK, RESPONSE) {
        Ok(format) => format,
        Err(refused) => return *refused,
    };
    let reply = (|| {
        let id: spec::CheckRequestRequestId = conform(&form, "request_id", false)
            .map_err(|()| invalid(CHECK, RESPONSE, "request_id"))?
            .ok_or_else(|| missing(CHECK, RESPONSE, "request_id"))?;
        let code: spec::CheckRequestCode = conform(&form, "code", false)
            .map_err(|()| invalid(CHECK, RESPONSE, "code"))?
            .ok_or_else(|| missing(CHECK, RESPONSE, "code"))?;
        Ok::<_, Reply>((String::from(id), String::from(code)))
    })()
    .map(|(id, code)| checked(&shared, &id, &code));
    reply
        .unwrap_or_else(|refused| refused)
        .into_response(format)
}

fn checked(shared: &crate::shared::Shared, id: &str, code: &str) -> Reply {
    let now = shared.clock.now();
    match shared.lock().verifications.check(Api::V1, id, code, now) {
        Checked::Verified => Reply::new(CHECK, RESPONSE)
            .text("request_id", id)
            .text("event_id", uuid::Uuid::new_v4().simple().to_string())
            .text("status", "0")
            .text("price", "0.10000000")
            .text("currency", "EUR")
            .text("estimated_price_messages_sent", "0.03330000"),
        Checked::Wrong => Reply::status(
            CHECK,
            RESPONSE,
            16,
            "The code provided does not match the expected value",
            Some(id),
        ),
        // The live service leaves `request_id` out of this one (V1 facts, §4).
        Checked::TooManyWrong => Reply::status(
            CHECK,
            RESPONSE,
            17,
            "The wrong code was provided too many times. Request terminated",
            None,
        ),
        Checked::NotFound => not_found(CHECK, RESPONSE, id),
    }
}

fn not_found(operation: &'static str, root: &'static str, id: &str) -> Reply {
    Reply::status(
        operation,
        root,
        6,
        &format!(
            "The Vonage platform was unable to process this message for the following reason: Request '{id}' was not found or it has been verified already."
        ),
        Some(id),
    )
}

pub(crate) async fn search(
    State(shared): AppState,
    Path(format): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let form = form(query.unwrap_or_default().as_bytes());
    let format = match gate(&format, &headers, &shared, &form, SEARCH, RESPONSE) {
        Ok(format) => format,
        Err(refused) => return *refused,
    };
    // `request_id` wins over `request_ids`, and only its first value counts (V1 facts, §6).
    let (ids, many): (Vec<&str>, bool) = match field(&form, "request_id") {
        Some(id) => (vec![id], false),
        None => (
            form.iter()
                .filter(|(key, value)| key == "request_ids" && !value.is_empty())
                .map(|(_, value)| value.as_str())
                .collect(),
            true,
        ),
    };
    if ids.is_empty() {
        return missing(SEARCH, RESPONSE, "request_id").into_response(format);
    }
    if ids.len() > MAX_SEARCH_IDS {
        return Reply::status(SEARCH, RESPONSE, 18, "Too many request_ids provided", None)
            .into_response(format);
    }
    let now = shared.clock.now();
    let mut inner = shared.lock();
    let found: Vec<Fields> = ids
        .iter()
        .filter_map(|id| inner.verifications.get(Api::V1, id, now).map(described))
        .collect();
    let reply = match (found.len(), many) {
        // The live service sends no `request_id` with this one (V1 facts, §7).
        (0, _) => Reply::status(SEARCH, RESPONSE, 101, "No response found", None),
        (_, false) => Reply::new(SEARCH, "verify_request").fields(found.concat()),
        (_, true) => {
            Reply::new(SEARCH, "verification_requests").items("verification_requests", found)
        }
    };
    reply.into_response(format)
}

fn date(time: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(time)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// A verification as search describes it, in the order of the live replies (V1 facts, §5);
/// `events` and `estimated_price_messages_sent`, which the spec adds, come last.
fn described(verification: &Verification) -> Fields {
    let text = |value: String| Node::Text(value);
    let status = match verification.stage {
        Stage::InProgress => "IN PROGRESS",
        Stage::Completed => "SUCCESS",
        Stage::Failed => "FAILED",
        Stage::Expired => "EXPIRED",
        Stage::Cancelled => "CANCELLED",
    };
    let checks = verification
        .attempts
        .iter()
        .rev()
        .map(|attempt| {
            vec![
                ("date_received", text(date(attempt.at))),
                ("code", text(attempt.code.clone())),
                (
                    "status",
                    text(if attempt.valid { "VALID" } else { "INVALID" }.into()),
                ),
                ("ip_address", text(String::new())),
            ]
        })
        .collect();
    let reached = verification
        .step
        .min(verification.steps.len().saturating_sub(1));
    let events = verification
        .steps
        .iter()
        .take(reached + 1)
        .enumerate()
        .map(|(index, channel)| {
            let kind = if channel == "voice" { "tts" } else { channel };
            vec![
                ("type", text(kind.to_owned())),
                ("id", text(format!("{}-{index}", verification.id))),
            ]
        })
        .collect();
    let last_event = verification
        .initiated
        .last()
        .copied()
        .unwrap_or(verification.started);
    vec![
        ("request_id", text(verification.id.clone())),
        ("account_id", text("mockacct".into())),
        ("number", text(verification.to.clone())),
        ("sender_id", text("verify".into())),
        ("date_submitted", text(date(verification.started))),
        (
            "date_finalized",
            text(verification.finished.map(date).unwrap_or_default()),
        ),
        ("checks", Node::Items(checks)),
        ("first_event_date", text(date(verification.started))),
        ("last_event_date", text(date(last_event))),
        ("price", text("0.10000000".into())),
        ("currency", text("EUR".into())),
        ("status", text(status.into())),
        ("events", Node::Items(events)),
        ("estimated_price_messages_sent", text("0.03330000".into())),
    ]
}

pub(crate) async fn control(
    State(shared): AppState,
    Path(format): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = fields(&headers, query.as_deref(), &body);
    let format = match gate(&format, &headers, &shared, &form, CONTROL, CONTROL_ROOT) {
        Ok(format) => format,
        Err(refused) => return *refused,
    };
    let Some(id) = field(&form, "request_id") else {
        return missing(CONTROL, CONTROL_ROOT, "request_id").into_response(format);
    };
    let command: spec::ControlRequestCmd = match conform(&form, "cmd", false) {
        Ok(Some(command)) => command,
        Ok(None) => return missing(CONTROL, CONTROL_ROOT, "cmd").into_response(format),
        Err(()) => return invalid(CONTROL, CONTROL_ROOT, "cmd").into_response(format),
    };
    let now = shared.clock.now();
    let mut inner = shared.lock();
    let moved = match command {
        spec::ControlRequestCmd::Cancel => inner.verifications.cancel(Api::V1, id, now),
        spec::ControlRequestCmd::TriggerNextEvent => {
            inner.verifications.next_step(Api::V1, id, now)
        }
    };
    let reply = match moved {
        Moved::Done => Reply::new(CONTROL, CONTROL_ROOT)
            .text("status", "0")
            .text("command", command.to_string()),
        Moved::TooEarly => Reply::status(
            CONTROL,
            CONTROL_ROOT,
            19,
            &format!(
                "Verification request ['{id}'] can't be cancelled within the first 30 seconds."
            ),
            None,
        ),
        Moved::TooLate => Reply::status(
            CONTROL,
            CONTROL_ROOT,
            19,
            &format!(
                "Verification request  ['{id}'] can't be cancelled now. Too many attempts to re-deliver have already been made."
            ),
            None,
        ),
        Moved::NoMoreSteps => Reply::status(
            CONTROL,
            CONTROL_ROOT,
            19,
            &format!("No more events are left to execute for the request ['{id}']"),
            None,
        ),
        Moved::NotFound => Reply::status(
            CONTROL,
            CONTROL_ROOT,
            6,
            &format!("The requestId '{id}' does not exist or its no longer active."),
            None,
        ),
    };
    reply.into_response(format)
}
