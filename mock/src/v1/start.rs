//! Starting v1 verifications: a plain request, or a PSD2 payment confirmation.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;

use super::fields::{Form, conform, field, fields, gate, integer, invalid, missing};
use super::reply::{Format, Reply};
use crate::shared::AppState;
use crate::state::{Api, Carrier, Stage, Verification, digits};
use vonage_verify::v1::raw::types as spec;

const REQUEST: &str = "verify_request";
const PSD2: &str = "verify_request_with_psd2";
/// Where a successful or refused start is written.
const ROOT: &str = "verify_response";
/// A parameter error is written under `response`: the one real XML error body on record
/// (V1 facts, §2) has that root, though the spec says `verify_response`.
const PARAMETER_ROOT: &str = "response";

/// The channels of each of v1's seven workflows.
fn workflow(id: i64) -> Option<Vec<String>> {
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

/// What a start needs once its fields are checked.
struct Start {
    number: String,
    /// The brand, or a PSD2 request's payee.
    brand: String,
    code: String,
    steps: Vec<String>,
    pin_expiry: u64,
    /// `next_event_wait`: how long each step lasts.
    wait: u64,
}

pub(crate) async fn request(
    State(shared): AppState,
    Path(format): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = fields(&headers, query.as_deref(), &body);
    let format = match gate(&format, &headers, &shared, &form, REQUEST, ROOT) {
        Ok(format) => format,
        Err(refused) => return *refused,
    };
    match read_request(&form) {
        Ok(start) => started(&shared, start).into_response(format),
        Err(reply) => reply.into_response(format),
    }
}

pub(crate) async fn psd2(
    State(shared): AppState,
    Path(format): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = fields(&headers, query.as_deref(), &body);
    let format = match gate(&format, &headers, &shared, &form, PSD2, ROOT) {
        Ok(format) => format,
        Err(refused) => return *refused,
    };
    // PSD2 has no XML endpoint; the spec keeps `xml` in the path only for symmetry.
    if format == Format::Xml {
        return invalid(PSD2, PARAMETER_ROOT, "format").into_response(Format::Json);
    }
    match read_psd2(&form) {
        Ok(start) => started(&shared, start).into_response(format),
        Err(reply) => reply.into_response(format),
    }
}

fn read_request(form: &Form) -> Result<Start, Reply> {
    let missing = |name| missing(REQUEST, PARAMETER_ROOT, name);
    let invalid = |name| invalid(REQUEST, PARAMETER_ROOT, name);
    let number = field(form, "number").ok_or_else(|| missing("number"))?;
    let brand: spec::VerifyRequestBrand = conform(form, "brand", false)
        .map_err(|()| invalid("brand"))?
        .ok_or_else(|| missing("brand"))?;
    conform::<spec::VerifyRequestSenderId>(form, "sender_id", false)
        .map_err(|()| invalid("sender_id"))?;
    conform::<spec::VerifyRequestLg>(form, "lg", false).map_err(|()| invalid("lg"))?;
    let code_length: Option<spec::VerifyRequestCodeLength> =
        conform(form, "code_length", true).map_err(|()| invalid("code_length"))?;
    let workflow_id: Option<spec::VerifyRequestWorkflowId> =
        conform(form, "workflow_id", true).map_err(|()| invalid("workflow_id"))?;
    let pin_code: Option<spec::VerifyRequestPinCode> =
        conform(form, "pin_code", false).map_err(|()| invalid("pin_code"))?;
    let (pin_expiry, wait) = timing(form).map_err(invalid)?;
    Ok(Start {
        number: number.to_owned(),
        brand: String::from(brand),
        code: pin_code.map_or_else(
            || digits(code_length.map_or(4, |n| usize::try_from(*n).unwrap_or(4))),
            String::from,
        ),
        steps: workflow(workflow_id.map_or(1, |id| *id)).ok_or_else(|| invalid("workflow_id"))?,
        pin_expiry,
        wait,
    })
}

fn read_psd2(form: &Form) -> Result<Start, Reply> {
    let missing = |name| missing(PSD2, PARAMETER_ROOT, name);
    let invalid = |name| invalid(PSD2, PARAMETER_ROOT, name);
    let number = field(form, "number").ok_or_else(|| missing("number"))?;
    let payee: spec::Psd2RequestPayee = conform(form, "payee", false)
        .map_err(|()| invalid("payee"))?
        .ok_or_else(|| missing("payee"))?;
    let amount: rust_decimal::Decimal = conform(form, "amount", false)
        .map_err(|()| invalid("amount"))?
        .ok_or_else(|| missing("amount"))?;
    if amount.is_sign_negative() {
        return Err(invalid("amount"));
    }
    conform::<spec::Psd2RequestLg>(form, "lg", false).map_err(|()| invalid("lg"))?;
    let code_length: Option<spec::Psd2RequestCodeLength> =
        conform(form, "code_length", true).map_err(|()| invalid("code_length"))?;
    let workflow_id: Option<spec::Psd2RequestWorkflowId> =
        conform(form, "workflow_id", true).map_err(|()| invalid("workflow_id"))?;
    let (pin_expiry, wait) = timing(form).map_err(invalid)?;
    Ok(Start {
        number: number.to_owned(),
        brand: String::from(payee),
        code: digits(code_length.map_or(4, |n| usize::try_from(*n).unwrap_or(4))),
        steps: workflow(workflow_id.map_or(1, |id| *id)).ok_or_else(|| invalid("workflow_id"))?,
        pin_expiry,
        wait,
    })
}

/// `pin_expiry` (60 to 3600 s) and `next_event_wait` (60 to 900 s), as the spec relates
/// them: when both are set and the expiry is not a multiple of the wait, it becomes the wait.
fn timing(form: &Form) -> Result<(u64, u64), &'static str> {
    let pin_expiry = integer(form, "pin_expiry", 60..=3600, 300).map_err(|()| "pin_expiry")?;
    let wait = integer(form, "next_event_wait", 60..=900, 300).map_err(|()| "next_event_wait")?;
    let pin_expiry = if field(form, "next_event_wait").is_some() && pin_expiry % wait != 0 {
        wait
    } else {
        pin_expiry
    };
    Ok((pin_expiry, wait))
}

/// Starts the verification, or refuses a second one to the same number (status 10).
fn started(shared: &crate::shared::Shared, start: Start) -> Reply {
    let now = shared.clock.now();
    let mut inner = shared.lock();
    if let Some(running) = inner
        .verifications
        .in_progress_to(Api::V1, &start.number, now)
    {
        return Reply::status(
            REQUEST,
            ROOT,
            10,
            "Concurrent verifications to the same number are not allowed",
            Some(&running.id.clone()),
        );
    }
    let id = uuid::Uuid::new_v4().simple().to_string();
    inner.verifications.insert(Verification {
        id: id.clone(),
        api: Api::V1,
        to: start.number,
        brand: start.brand,
        code: start.code,
        steps: start.steps,
        step: 0,
        started: now,
        initiated: vec![now],
        channel_timeout: start.wait,
        redirect_url: None,
        silent_code_issued: false,
        carrier: Carrier::Recognised,
        ended_steps: Vec::new(),
        expires: now + Duration::from_secs(start.pin_expiry),
        finished: None,
        stage: Stage::InProgress,
        attempts: Vec::new(),
        client_ref: None,
    });
    Reply::new(REQUEST, ROOT)
        .text("request_id", id)
        .text("status", "0")
}
