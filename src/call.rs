//! Calls into the generated clients that report the crate's [`Error`] with full context.

use progenitor_client::{ClientInfo, ResponseValue};

use reqwest::header::HeaderMap;

use crate::error::{Error, ResponseContext};
use crate::problem::Problem;
use crate::transport::body::{self, BodyError};
use crate::transport::{Observed, Probe, Transport, trace_id};

/// Runs `send` on `raw` with a fresh probe watching, so that errors from the generated code
/// (which carry no operation, and sometimes no status) can be completed with what the
/// transport saw.
pub(crate) async fn call<R, T, E>(
    operation: &'static str,
    raw: &R,
    send: impl AsyncFnOnce(&R) -> Result<ResponseValue<T>, progenitor_client::Error<E>>,
) -> Result<ResponseValue<T>, Error>
where
    R: ClientInfo<Transport>,
{
    let limit = raw.inner().settings().max_body_bytes;
    let probe = Probe::default();
    // Held until the generated code has read the body.
    let _slot = raw.inner().slot().await;
    let sending = std::pin::pin!(send(raw));
    match probe.watch(sending).await {
        Ok(value) => Ok(value),
        Err(error) => Err(convert(operation, error, probe.take(), limit).await),
    }
}

async fn convert<E>(
    operation: &'static str,
    error: progenitor_client::Error<E>,
    observed: Observed,
    limit: usize,
) -> Error {
    use progenitor_client::Error as Raw;

    let context = ResponseContext {
        status: observed.status,
        trace_id: observed.trace_id,
        ..ResponseContext::new(operation)
    };
    // An error body that could not be read explains whatever the generated code made of it.
    let error_body = match observed.error_body {
        Some(Err(source)) => return body_error(context, source, limit),
        Some(Ok(bytes)) => Some(bytes),
        None => None,
    };
    match error {
        Raw::InvalidRequest(message) => Error::InvalidRequest { operation, message },
        Raw::Custom(message) => observed
            .refusal
            .unwrap_or(Error::InvalidRequest { operation, message }),
        Raw::CommunicationError(source) | Raw::InvalidUpgrade(source) => Error::Transport {
            operation,
            source: source.without_url(),
        },
        Raw::ResponseBodyError(source) => body_error(context, source.without_url().into(), limit),
        Raw::InvalidResponsePayload(bytes, reason) => match error_body {
            // An error status whose body the generated decoder refused is still an error
            // status, reported the way the hand-written paths report it.
            Some(body) => status_error(context, None, &body),
            None => Error::Decode {
                context: context.with_body(&bytes),
                reason: reason.to_string(),
            },
        },
        Raw::ErrorResponse(value) => {
            let context = ResponseContext {
                status: Some(value.status()),
                trace_id: trace_id(value.headers()).or(context.trace_id),
                ..context
            };
            match error_body {
                Some(bytes) => status_error(context, Some(value.headers()), &bytes),
                None => Error::Status { context },
            }
        }
        Raw::UnexpectedResponse(response) => {
            let context = ResponseContext {
                status: Some(response.status()),
                trace_id: trace_id(response.headers()).or(context.trace_id),
                ..context
            };
            let headers = response.headers().clone();
            match response.bytes().await {
                Ok(bytes) => status_error(context, Some(&headers), &bytes),
                Err(source) => body_error(context, source.without_url().into(), limit),
            }
        }
    }
}

/// An error reply: a typed problem when the body is one, else the status with the body.
pub(crate) fn status_error(
    context: ResponseContext,
    headers: Option<&HeaderMap>,
    body: &[u8],
) -> Error {
    let status = context.status.unwrap_or_default();
    match Problem::parse(context.operation, status, headers, body) {
        Some(problem) => Error::Problem {
            context: context.with_body(body),
            problem: Box::new(problem),
        },
        None => Error::Status {
            context: context.with_body(body),
        },
    }
}

/// A body that could not be read: too long for the limit, or cut off.
pub(crate) fn body_error(context: ResponseContext, source: BodyError, limit: usize) -> Error {
    if body::exceeded_limit(source.as_ref()) {
        Error::BodyTooLarge { context, limit }
    } else {
        Error::Body { context, source }
    }
}

/// Reads a reply to a hand-written request (sent with `Transport::send`): the body, bounded,
/// with the context errors about it need. An error status becomes the typed error here.
pub(crate) async fn read_reply(
    transport: &Transport,
    operation: &'static str,
    response: reqwest::Response,
) -> Result<(bytes::Bytes, ResponseContext), Error> {
    let status = response.status();
    let context = ResponseContext {
        status: Some(status),
        trace_id: trace_id(response.headers()),
        ..ResponseContext::new(operation)
    };
    let headers = response.headers().clone();
    let limit = transport.settings().max_body_bytes;
    let body = response
        .bytes()
        .await
        .map_err(|e| body_error(context.clone(), e.without_url().into(), limit))?;
    if !status.is_success() {
        return Err(status_error(context, Some(&headers), &body));
    }
    Ok((body, context))
}
