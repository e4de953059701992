//! Calls into the generated clients, and the replies of hand-written requests, reported as
//! the crate's [`Error`] with full context: the step of a call after the transport, where a
//! reply becomes a typed value or a typed error.

use progenitor_client::{ClientInfo, ResponseValue};

use reqwest::header::HeaderMap;

use std::time::SystemTime;

use crate::error::{Error, Mask, ResponseContext};
use crate::problem::Problem;
use crate::spec::Operation;
use crate::transport::{BodyError, ErrorReply, Observed, Transport, exceeded_limit, trace_id};

/// How a generated client is made: its `new_with_client`.
pub(crate) type Rebuild<R> = fn(&str, reqwest::Client, Transport) -> R;

/// Runs `send` on a copy of `raw` made for this call, whose transport keeps a record of what
/// it sees, so that errors from the generated code (which carry no operation, and sometimes
/// no status) can be completed with it.
pub(crate) async fn call<R, T, E>(
    operation: &'static str,
    raw: &R,
    rebuild: Rebuild<R>,
    send: impl AsyncFnOnce(&R) -> Result<ResponseValue<T>, progenitor_client::Error<E>>,
) -> Result<ResponseValue<T>, Error>
where
    R: ClientInfo<Transport>,
{
    let transport = raw.inner();
    let (recording, record) = transport.recording();
    let this_call = rebuild(raw.baseurl(), raw.client().clone(), recording);
    // Held until the generated code has read the body.
    let _slot = transport.slot().await;
    match send(&this_call).await {
        Ok(value) => Ok(value),
        Err(error) => {
            let error = convert(operation, error, record.take(), transport).await;
            Err(transport.mask().error(error))
        }
    }
}

async fn convert<E>(
    operation: &'static str,
    error: progenitor_client::Error<E>,
    observed: Observed,
    transport: &Transport,
) -> Error {
    let limit = transport.settings().max_body_bytes;
    let now = transport.settings().clock.now();
    let mask = transport.mask();
    use progenitor_client::Error as Raw;

    let context = ResponseContext {
        status: observed.status,
        trace_id: observed.trace_id,
        ..ResponseContext::new(operation).sent(observed.sent.as_ref())
    };
    // An error reply was taken by the transport before the generated code saw it (which
    // then saw an empty body): it is the error, whatever the generated code made of that.
    if let Some(ErrorReply { headers, body }) = observed.error_reply {
        return match body {
            Ok(bytes) => status_error(context, Some(&headers), &bytes, now, &mask),
            Err(source) => body_error(context, source, limit),
        };
    }
    match error {
        Raw::InvalidRequest(message) => Error::InvalidRequest { operation, message },
        Raw::Custom(message) => observed
            .refusal
            .unwrap_or(Error::InvalidRequest { operation, message }),
        Raw::CommunicationError(source) | Raw::InvalidUpgrade(source) => Error::Transport {
            operation,
            host: observed.sent.map(|sent| sent.host).unwrap_or_default(),
            source: source.without_url(),
        },
        Raw::ResponseBodyError(source) => body_error(context, source.without_url().into(), limit),
        Raw::InvalidResponsePayload(bytes, reason) => Error::Decode {
            context: context.with_body(&bytes, &mask),
            reason: reason.to_string(),
        },
        Raw::ErrorResponse(value) => Error::Status {
            context: ResponseContext {
                status: Some(value.status()),
                trace_id: trace_id(value.headers()).or(context.trace_id),
                ..context
            },
        },
        Raw::UnexpectedResponse(response) => {
            let context = ResponseContext {
                status: Some(response.status()),
                trace_id: trace_id(response.headers()).or(context.trace_id),
                ..context
            };
            let headers = response.headers().clone();
            match response.bytes().await {
                Ok(bytes) => status_error(context, Some(&headers), &bytes, now, &mask),
                Err(source) => body_error(context, source.without_url().into(), limit),
            }
        }
    }
}

/// Whether `error` is a success status whose body was empty (or blank), which the generated
/// decoder refuses for an operation that documents a body.
pub(crate) fn is_empty_success(error: &Error) -> bool {
    matches!(error, Error::Decode { context, .. }
        if context.status.is_some_and(|status| status.is_success())
            && context.body.as_deref().is_some_and(|body| body.trim().is_empty()))
}

/// An error reply: a typed problem when the body is one, else the status with the body.
/// `now` reads a `Retry-After` date; `mask` hides the client's secrets in the excerpt.
pub(crate) fn status_error(
    context: ResponseContext,
    headers: Option<&HeaderMap>,
    body: &[u8],
    now: SystemTime,
    mask: &Mask,
) -> Error {
    let status = context.status.unwrap_or_default();
    match Problem::parse(context.operation, status, headers, body, now) {
        Some(problem) => Error::Problem {
            context: context.with_body(body, mask),
            problem: Box::new(problem),
        },
        None => Error::Status {
            context: context.with_body(body, mask),
        },
    }
}

/// A body that could not be read: too long for the limit, or cut off.
pub(crate) fn body_error(context: ResponseContext, source: BodyError, limit: usize) -> Error {
    if exceeded_limit(source.as_ref()) {
        Error::BodyTooLarge { context, limit }
    } else {
        Error::Body { context, source }
    }
}

/// A reply to a hand-written request, read whole (within the limit), with what an error
/// about it needs.
pub(crate) struct RawReply {
    pub(crate) body: bytes::Bytes,
    pub(crate) context: ResponseContext,
    mask: Mask,
}

impl RawReply {
    /// The body does not decode as `reason` says.
    pub(crate) fn decode_error(&self, reason: impl std::fmt::Display) -> Error {
        self.mask.error(Error::Decode {
            context: self.context.clone().with_body(&self.body, &self.mask),
            reason: reason.to_string(),
        })
    }
}

/// Reads a reply to a hand-written request (sent with `Transport::send`): the body, bounded,
/// with the context errors about it need. An error status becomes the typed error here.
pub(crate) async fn read_reply(
    transport: &Transport,
    operation: &Operation,
    response: reqwest::Response,
) -> Result<RawReply, Error> {
    let status = response.status();
    let context = ResponseContext {
        status: Some(status),
        trace_id: trace_id(response.headers()),
        request: Some(format!(
            "{} {}",
            operation.http_method,
            response.url().path()
        )),
        ..ResponseContext::new(operation.method_name)
    };
    let headers = response.headers().clone();
    let limit = transport.settings().max_body_bytes;
    let body = response
        .bytes()
        .await
        .map_err(|e| body_error(context.clone(), e.without_url().into(), limit))?;
    let mask = transport.mask();
    if !status.is_success() {
        let now = transport.settings().clock.now();
        let error = status_error(context, Some(&headers), &body, now, &mask);
        return Err(mask.error(error));
    }
    Ok(RawReply {
        body,
        context,
        mask,
    })
}
