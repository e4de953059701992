//! What v1 answers, typed: built from the generated reply types, whichever format carried them.

use std::str::FromStr;

use chrono::NaiveDateTime;
use rust_decimal::Decimal;

use super::raw::types;
use super::status::{Status, V1Error};
use crate::error::{Error, ResponseContext};

/// The format of v1's search dates.
const DATE_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// A verification that has started.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Started {
    /// Its id, for check, search and control.
    pub request_id: String,
}

/// How a code check went. A wrong code is an outcome, not an error: the user may try again
/// (until [`CheckOutcome::TooManyWrongCodes`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckOutcome {
    /// The code was right (status 0).
    Verified(Verified),
    /// The code was wrong; the user may try again (status 16).
    WrongCode(Rejected),
    /// The code was wrong too many times and the verification has ended (status 17).
    TooManyWrongCodes(Rejected),
}

/// A successful check.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verified {
    /// The verification, when the reply names it.
    pub request_id: Option<String>,
    /// The message or call that carried the code.
    pub event_id: Option<String>,
    /// What the verification cost, exactly as sent.
    pub price: Option<Decimal>,
    /// The currency of `price`.
    pub currency: Option<String>,
    /// Estimated cost of the messages and calls made, where the plan reports it.
    pub estimated_price_messages_sent: Option<Decimal>,
}

/// A check with a wrong code.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Rejected {
    /// The verification, when the reply names it.
    pub request_id: Option<String>,
    /// The API's explanation.
    pub error_text: Option<String>,
}

/// The state of a verification, as search reports it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SearchStatus {
    /// Still running.
    InProgress,
    /// The right code was entered.
    Success,
    /// Too many wrong codes.
    Failed,
    /// No code before the code expired.
    Expired,
    /// Stopped by a cancel command.
    Cancelled,
    /// A state this version of the crate does not know, as sent.
    Unknown(String),
}

impl SearchStatus {
    fn parse(value: &str) -> Self {
        match value {
            "IN PROGRESS" => Self::InProgress,
            "SUCCESS" => Self::Success,
            "FAILED" => Self::Failed,
            "EXPIRED" => Self::Expired,
            "CANCELLED" => Self::Cancelled,
            other => Self::Unknown(other.to_owned()),
        }
    }
}

/// One verification, as search reports it. Dates are as Vonage gives them, without a time
/// zone; an unfinished verification has no `date_finalized`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verification {
    /// Its id.
    pub request_id: Option<String>,
    /// The account that started it.
    pub account_id: Option<String>,
    /// The number being verified.
    pub number: Option<String>,
    /// The sender used for messages.
    pub sender_id: Option<String>,
    /// When it was started.
    pub date_submitted: Option<NaiveDateTime>,
    /// When it finished.
    pub date_finalized: Option<NaiveDateTime>,
    /// When the first message or call was made.
    pub first_event_date: Option<NaiveDateTime>,
    /// When the latest message or call was made.
    pub last_event_date: Option<NaiveDateTime>,
    /// What it cost, exactly as sent.
    pub price: Option<Decimal>,
    /// The currency of `price`.
    pub currency: Option<String>,
    /// Its state.
    pub status: SearchStatus,
    /// The codes entered, in the order the API lists them (not necessarily by time).
    pub checks: Vec<CodeCheck>,
    /// The messages and calls made.
    pub events: Vec<Event>,
    /// Estimated cost of the messages and calls made, where the plan reports it.
    pub estimated_price_messages_sent: Option<Decimal>,
}

/// One code entered for a verification.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CodeCheck {
    /// When it was entered.
    pub date_received: Option<NaiveDateTime>,
    /// The code entered.
    pub code: Option<String>,
    /// Whether it was right.
    pub status: CheckStatus,
    /// No longer filled in meaningfully by the API.
    pub ip_address: Option<String>,
}

/// Whether an entered code was right.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CheckStatus {
    /// Right.
    Valid,
    /// Wrong.
    Invalid,
    /// A value this version of the crate does not know, as sent.
    Unknown(String),
}

/// A message or call made for a verification.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Event {
    /// SMS or voice.
    pub kind: EventKind,
    /// Its id.
    pub id: Option<String>,
}

/// The channel of an [`Event`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EventKind {
    /// An SMS.
    Sms,
    /// A text-to-speech call.
    Tts,
    /// A channel this version of the crate does not know, as sent.
    Unknown(String),
}

/// What is known about the reply a value is built from, for errors.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub(crate) operation: &'static str,
    pub(crate) status: reqwest::StatusCode,
    pub(crate) trace_id: Option<String>,
}

/// A `Verification` from either generated search type (the flat reply or an item of the
/// list), which have the same fields.
macro_rules! verification {
    ($reply:expr, $item:expr) => {{
        let reply: &Reply = $reply;
        let item = $item;
        let checks = item
            .checks
            .into_iter()
            .map(|check| {
                Ok(CodeCheck {
                    date_received: reply.date("date_received", check.date_received.as_deref())?,
                    code: non_empty(check.code),
                    status: match check.status.map(|s| s.to_string()).as_deref() {
                        Some("VALID") => CheckStatus::Valid,
                        Some("INVALID") => CheckStatus::Invalid,
                        other => CheckStatus::Unknown(other.unwrap_or_default().to_owned()),
                    },
                    ip_address: non_empty(check.ip_address),
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let events = item
            .events
            .into_iter()
            .map(|event| Event {
                // Sources disagree on the case (`sms` in the spec, `SMS` in one SDK).
                kind: match event.type_.map(|t| t.to_string()) {
                    Some(t) if t.eq_ignore_ascii_case("sms") => EventKind::Sms,
                    Some(t) if t.eq_ignore_ascii_case("tts") => EventKind::Tts,
                    other => EventKind::Unknown(other.unwrap_or_default()),
                },
                id: non_empty(event.id),
            })
            .collect();
        Ok::<Verification, Error>(Verification {
            request_id: non_empty(item.request_id),
            account_id: non_empty(item.account_id),
            number: non_empty(item.number),
            sender_id: non_empty(item.sender_id),
            date_submitted: reply.date("date_submitted", item.date_submitted.as_deref())?,
            date_finalized: reply.date("date_finalized", item.date_finalized.as_deref())?,
            first_event_date: reply.date("first_event_date", item.first_event_date.as_deref())?,
            last_event_date: reply.date("last_event_date", item.last_event_date.as_deref())?,
            price: reply.decimal("price", item.price.as_deref())?,
            currency: non_empty(item.currency),
            status: SearchStatus::parse(&item.status.map(|s| s.to_string()).unwrap_or_default()),
            checks,
            events,
            estimated_price_messages_sent: reply.decimal(
                "estimated_price_messages_sent",
                item.estimated_price_messages_sent
                    .as_ref()
                    .map(|e| e.0.as_str()),
            )?,
        })
    }};
}

impl Reply {
    fn decode_error(&self, reason: impl Into<String>) -> Error {
        Error::Decode {
            context: ResponseContext {
                status: Some(self.status),
                trace_id: self.trace_id.clone(),
                ..ResponseContext::new(self.operation)
            },
            reason: reason.into(),
        }
    }

    /// `Ok` for status 0, the typed failure otherwise.
    fn outcome(
        &self,
        status: Option<String>,
        error_text: Option<String>,
        request_id: Option<String>,
        network: Option<String>,
    ) -> Result<(), Error> {
        let status = status.ok_or_else(|| self.decode_error("the reply has no status"))?;
        match Status::from_code(&status) {
            Status::Success => Ok(()),
            status => Err(Error::V1(Box::new(V1Error {
                operation: self.operation,
                status,
                error_text: non_empty(error_text),
                request_id: non_empty(request_id),
                network: non_empty(network),
                trace_id: self.trace_id.clone(),
            }))),
        }
    }

    fn date(&self, field: &str, value: Option<&str>) -> Result<Option<NaiveDateTime>, Error> {
        match value.map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(value) => NaiveDateTime::parse_from_str(value, DATE_FORMAT)
                .map(Some)
                .map_err(|_| {
                    self.decode_error(format!("{field} {value:?} is not YYYY-MM-DD HH:MM:SS"))
                }),
        }
    }

    fn decimal(&self, field: &str, value: Option<&str>) -> Result<Option<Decimal>, Error> {
        match value.map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(value) => Decimal::from_str(value).map(Some).map_err(|_| {
                self.decode_error(format!("{field} {value:?} is not a decimal number"))
            }),
        }
    }

    pub(crate) fn started(&self, reply: types::VerifyRequestResponse) -> Result<Started, Error> {
        self.outcome(
            reply.status.map(|s| s.to_string()),
            reply.error_text,
            reply.request_id.clone(),
            reply.network,
        )?;
        let request_id = non_empty(reply.request_id)
            .ok_or_else(|| self.decode_error("a successful request has no request_id"))?;
        Ok(Started { request_id })
    }

    pub(crate) fn started_psd2(
        &self,
        reply: types::VerifyRequestWithPsd2Response,
    ) -> Result<Started, Error> {
        self.outcome(
            reply.status.map(|s| s.to_string()),
            reply.error_text,
            reply.request_id.clone(),
            reply.network,
        )?;
        let request_id = non_empty(reply.request_id)
            .ok_or_else(|| self.decode_error("a successful request has no request_id"))?;
        Ok(Started { request_id })
    }

    pub(crate) fn checked(&self, reply: types::VerifyCheckResponse) -> Result<CheckOutcome, Error> {
        let status = reply.status.as_ref().map(ToString::to_string);
        let rejected = || Rejected {
            request_id: non_empty(reply.request_id.clone()),
            error_text: non_empty(reply.error_text.clone()),
        };
        match status.as_deref().map(Status::from_code) {
            Some(Status::WrongCode) => return Ok(CheckOutcome::WrongCode(rejected())),
            Some(Status::TooManyWrongCodes) => {
                return Ok(CheckOutcome::TooManyWrongCodes(rejected()));
            }
            _ => {}
        }
        self.outcome(status, reply.error_text, reply.request_id.clone(), None)?;
        Ok(CheckOutcome::Verified(Verified {
            request_id: non_empty(reply.request_id),
            event_id: non_empty(reply.event_id),
            price: self.decimal("price", reply.price.as_deref())?,
            currency: non_empty(reply.currency),
            estimated_price_messages_sent: self.decimal(
                "estimated_price_messages_sent",
                reply
                    .estimated_price_messages_sent
                    .as_ref()
                    .map(|e| e.0.as_str()),
            )?,
        }))
    }

    /// Every verification in a search reply: the `verification_requests` list when there is
    /// one, else the reply itself. A numeric status is a failure.
    pub(crate) fn searched(
        &self,
        reply: types::VerifySearchResponse,
    ) -> Result<Vec<Verification>, Error> {
        if !reply.verification_requests.is_empty() {
            return reply
                .verification_requests
                .into_iter()
                .map(|item| verification!(self, item))
                .collect();
        }
        let status = reply.status.as_ref().map(ToString::to_string);
        match status.as_deref() {
            None => Err(self.decode_error("the reply has no status")),
            // Search states are words; result codes are numbers.
            Some(code) if code.trim().chars().all(|c| c.is_ascii_digit()) => {
                self.outcome(status, reply.error_text, reply.request_id, None)?;
                Err(self.decode_error("status 0 without a verification"))
            }
            Some(_) => Ok(vec![verification!(self, reply)?]),
        }
    }

    pub(crate) fn controlled(&self, reply: types::VerifyControlResponse) -> Result<(), Error> {
        self.outcome(
            reply.status.map(|s| s.to_string()),
            reply.error_text,
            None,
            None,
        )
    }
}

/// Empty strings (`<request_id />`, `"ip_address": ""`) mean "not given".
fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}
