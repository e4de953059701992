//! The decoder generated code calls for JSON replies (put in place of progenitor's by
//! `codegen/rewrite/decoder.rs`).

use progenitor_client::{Error, ResponseValue};
use serde::de::DeserializeOwned;

/// Reads and decodes a JSON reply as progenitor's `ResponseValue::from_response` does, with
/// the same errors, but moves the headers into the value rather than copying them.
pub(crate) async fn decode_json<T: DeserializeOwned, E>(
    mut response: reqwest::Response,
) -> Result<ResponseValue<T>, Error<E>> {
    let status = response.status();
    // Reading the body needs none of the headers.
    let headers = std::mem::take(response.headers_mut());
    let full = response.bytes().await.map_err(Error::ResponseBodyError)?;
    let inner =
        serde_json::from_slice(&full).map_err(|e| Error::InvalidResponsePayload(full, e))?;
    Ok(ResponseValue::new(inner, status, headers))
}
