//! The control API, under [`CONTROL_PREFIX`](crate::CONTROL_PREFIX): what a test in any
//! language reads from and does to the mock over HTTP. `openapi/control.yml` documents it; the
//! Rust API's methods on [`MockServer`](crate::MockServer) do the same in-process.
//!
//! No Vonage path starts with the prefix, no credentials are asked (the mock listens on
//! loopback unless told otherwise), and these requests are neither recorded nor faulted.

use std::time::{Duration, SystemTime};

use axum::extract::rejection::JsonRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Deserialize;
use serde_json::json;

use super::faults::{self, Fault};
use super::problem;
use super::shared::{AppState, Shared};

pub(crate) fn routes() -> Router<std::sync::Arc<Shared>> {
    Router::new()
        .route("/inbox", get(inbox))
        .route("/requests", get(requests))
        .route("/deliveries", get(deliveries))
        .route("/clock", get(clock))
        .route("/clock/advance", post(advance))
        .route(
            "/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/reset", post(reset))
        .fallback(|| async {
            problem::typed(
                StatusCode::NOT_FOUND,
                "about:blank",
                "Not Found",
                "No such control endpoint; see the mock's openapi/control.yml.",
                json!({}),
            )
        })
}

#[derive(Debug, Deserialize)]
struct InboxFilter {
    request_id: Option<String>,
    to: Option<String>,
}

/// The messages "sent", oldest first, of one verification or to one number if asked.
async fn inbox(State(shared): AppState, Query(filter): Query<InboxFilter>) -> Response {
    let messages: Vec<_> = shared
        .inbox()
        .into_iter()
        .filter(|m| {
            filter
                .request_id
                .as_ref()
                .is_none_or(|id| *id == m.request_id)
        })
        .filter(|m| filter.to.as_ref().is_none_or(|to| *to == m.to))
        .collect();
    Json(messages).into_response()
}

async fn requests(State(shared): AppState) -> Response {
    Json(shared.lock().requests.clone()).into_response()
}

async fn deliveries(State(shared): AppState) -> Response {
    Json(shared.deliveries().await).into_response()
}

fn time(now: SystemTime) -> String {
    i64::try_from(crate::clock::unix_seconds(now))
        .ok()
        .and_then(|seconds| DateTime::<Utc>::from_timestamp(seconds, 0))
        .map_or_else(
            || "out of range".to_owned(),
            |time| time.to_rfc3339_opts(SecondsFormat::Secs, true),
        )
}

async fn clock(State(shared): AppState) -> Response {
    Json(json!({
        "now": time(shared.clock.now()),
        "manual": shared.manual_clock.is_some(),
    }))
    .into_response()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    seconds: u64,
}

/// A body the control API could not read, as a problem like its other errors.
fn unreadable(rejection: &JsonRejection) -> Response {
    problem::typed(
        rejection.status(),
        "about:blank",
        "Unreadable body",
        &rejection.body_text(),
        json!({}),
    )
}

async fn advance(State(shared): AppState, by: Result<Json<Advance>, JsonRejection>) -> Response {
    let by = match by {
        Ok(Json(by)) => by,
        Err(rejection) => return unreadable(&rejection),
    };
    let Some(manual) = &shared.manual_clock else {
        return problem::typed(
            StatusCode::CONFLICT,
            "about:blank",
            "Not a manual clock",
            "The mock runs on the system clock; start it with a manual clock (--clock manual) to move time.",
            json!({}),
        );
    };
    let later = shared
        .clock
        .now()
        .checked_add(Duration::from_secs(by.seconds))
        .filter(|later| crate::clock::in_range(*later));
    let Some(later) = later else {
        return problem::typed(
            StatusCode::UNPROCESSABLE_ENTITY,
            "about:blank",
            "Invalid clock move",
            "The clock would pass the year 9999; move it less.",
            json!({}),
        );
    };
    manual.set(later);
    // What lapsed is due to the webhook receiver now.
    shared.dispatch();
    Json(json!({ "now": time(shared.clock.now()), "manual": true })).into_response()
}

async fn list_faults(State(shared): AppState) -> Response {
    Json(shared.lock().faults.pending()).into_response()
}

async fn add_fault(State(shared): AppState, fault: Result<Json<Fault>, JsonRejection>) -> Response {
    let fault = match fault {
        Ok(Json(fault)) => fault,
        Err(rejection) => return unreadable(&rejection),
    };
    match faults::arm(fault.clone()) {
        Ok(armed) => {
            shared.lock().faults.push(armed);
            (StatusCode::CREATED, Json(fault)).into_response()
        }
        Err(reason) => problem::typed(
            StatusCode::UNPROCESSABLE_ENTITY,
            "about:blank",
            "Invalid fault",
            &reason,
            json!({}),
        ),
    }
}

async fn clear_faults(State(shared): AppState) -> Response {
    shared.lock().faults.clear();
    StatusCode::NO_CONTENT.into_response()
}

async fn reset(State(shared): AppState) -> Response {
    shared.reset();
    StatusCode::NO_CONTENT.into_response()
}
