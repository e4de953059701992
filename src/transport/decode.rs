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

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use progenitor_client::{Error, ResponseValue};
    use serde_json::Value;

    use super::decode_json;

    /// A fresh copy of the same reply each time: a body can be read once.
    fn reply(status: u16, body: Result<&'static str, ()>) -> reqwest::Response {
        let body = match body {
            Ok(text) => reqwest::Body::from(text),
            // The first bytes arrive, then the connection fails.
            Err(()) => reqwest::Body::wrap_stream(futures_util::stream::iter([
                Ok(Bytes::from_static(b"{\"a\"")),
                Err(std::io::Error::other("reset")),
            ])),
        };
        let response = http::Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .header("x-vonage-trace-id", "t-1")
            .header("retry-after", "3")
            .body(body)
            .expect("a response");
        reqwest::Response::from(response)
    }

    /// What a decode gave, in a form two decoders' results can be compared in.
    fn outcome(result: Result<ResponseValue<Value>, Error<()>>) -> String {
        match result {
            Ok(value) => {
                let head = format!("ok {} {:?}", value.status(), value.headers());
                format!("{head} {}", value.into_inner())
            }
            Err(Error::InvalidResponsePayload(bytes, e)) => format!("payload {bytes:?} {e}"),
            Err(Error::ResponseBodyError(e)) => format!("body {}", e.is_body() || e.is_decode()),
            Err(other) => format!("other {other}"),
        }
    }

    /// The same results as progenitor's `ResponseValue::from_response`, which the generated
    /// code called before `decode_without_copying_headers`: a copy that drifted from it (after
    /// an upgrade of progenitor-client, say) fails here.
    #[tokio::test]
    async fn decodes_as_progenitor_does() {
        for (status, body) in [
            (200, Ok(r#"{"request_id": "r", "extra": [1, 2]}"#)),
            (429, Ok(r#"{"title": "Rate Limit Hit"}"#)),
            (200, Ok("")),
            (200, Ok("{\"a\": ")),
            (202, Ok("not json")),
            (200, Err(())),
        ] {
            let ours = outcome(decode_json(reply(status, body)).await);
            let theirs = outcome(ResponseValue::from_response(reply(status, body)).await);
            assert_eq!(ours, theirs, "{status} {body:?}");
        }
        // The headers are all there, moved rather than copied.
        let value: ResponseValue<Value> = decode_json::<_, ()>(reply(200, Ok("{}")))
            .await
            .expect("decodes");
        assert_eq!(value.headers()["x-vonage-trace-id"], "t-1");
        assert_eq!(value.headers()["retry-after"], "3");
    }
}
