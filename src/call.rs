//! Calls into the generated clients that report the crate's [`Error`] with full context.

use std::sync::Arc;

use progenitor_client::{ClientInfo, ResponseValue};
use serde::Serialize;

use crate::error::{Error, ResponseContext};
use crate::transport::{Observed, Probe, Transport, body, trace_id};

/// Runs `send` on a copy of `raw` whose transport reports to a fresh probe, so that errors
/// from the generated code (which carry no operation, and sometimes no status) can be
/// completed with what the transport saw.
pub(crate) async fn call<R, T, E>(
    operation: &'static str,
    raw: &R,
    rebuild: impl FnOnce(&str, reqwest::Client, Transport) -> R,
    send: impl AsyncFnOnce(&R) -> Result<ResponseValue<T>, progenitor_client::Error<E>>,
) -> Result<ResponseValue<T>, Error>
where
    R: ClientInfo<Transport>,
    E: Serialize,
{
    let limit = raw.inner().settings().max_body_bytes;
    let probe = Arc::new(Probe::default());
    let transport = raw.inner().observed_by(Arc::clone(&probe));
    let observed = rebuild(raw.baseurl(), raw.client().clone(), transport);
    match send(&observed).await {
        Ok(value) => Ok(value),
        Err(error) => Err(convert(operation, error, probe.take(), limit).await),
    }
}

async fn convert<E: Serialize>(
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
    match error {
        Raw::InvalidRequest(message) => Error::InvalidRequest { operation, message },
        Raw::Custom(message) => observed
            .refusal
            .unwrap_or(Error::InvalidRequest { operation, message }),
        Raw::CommunicationError(source) | Raw::InvalidUpgrade(source) => Error::Transport {
            operation,
            source: source.without_url(),
        },
        Raw::ResponseBodyError(source) => body_error(context, source, limit),
        Raw::InvalidResponsePayload(bytes, reason) => Error::Decode {
            context: context.with_body(&bytes),
            reason: reason.to_string(),
        },
        Raw::ErrorResponse(value) => {
            let context = ResponseContext {
                status: Some(value.status()),
                trace_id: trace_id(value.headers()).or(context.trace_id),
                ..context
            };
            // The generated type was decoded from the body; its JSON is the body, normalised.
            let body = serde_json::to_vec(&value.into_inner()).unwrap_or_default();
            Error::Status {
                context: context.with_body(&body),
            }
        }
        Raw::UnexpectedResponse(response) => {
            let context = ResponseContext {
                status: Some(response.status()),
                trace_id: trace_id(response.headers()).or(context.trace_id),
                ..context
            };
            match response.bytes().await {
                Ok(bytes) => Error::Status {
                    context: context.with_body(&bytes),
                },
                Err(source) => body_error(context, source, limit),
            }
        }
    }
}

/// A body that could not be read: too long for the limit, or cut off.
pub(crate) fn body_error(context: ResponseContext, source: reqwest::Error, limit: usize) -> Error {
    if body::exceeded_limit(&source) {
        Error::BodyTooLarge { context, limit }
    } else {
        Error::Body {
            context,
            source: source.without_url(),
        }
    }
}
