//! What the wire tests share: test credentials and a one-route mock server.

use httpmock::MockServer;
use serde_json::Value;
use vonage_verify::Transport;

/// `Basic base64("abcd1234:s3cr3t!")`, what [`transport`] sends where it uses Basic.
pub const BASIC: &str = "Basic YWJjZDEyMzQ6czNjcjN0IQ==";

/// Test credentials: key `abcd1234`, secret `s3cr3t!` (the `!` shows form encoding).
pub fn transport() -> Transport {
    Transport::new().with_api_key("abcd1234", "s3cr3t!")
}

/// The HTTP client the tests use: the crate's recommended one.
pub fn http() -> vonage_verify::reqwest::Client {
    vonage_verify::http_client().expect("TLS backend")
}

/// A server that answers every `method path` request with `status` and `body` as `content_type`.
pub async fn replying(
    method: httpmock::Method,
    path: &str,
    status: u16,
    content_type: &str,
    body: &Value,
) -> MockServer {
    let server = MockServer::start_async().await;
    let (body, content_type) = (body.to_string(), content_type.to_string());
    server
        .mock_async(move |when, then| {
            when.method(method).path(path);
            then.status(status)
                .header("content-type", content_type)
                .body(body);
        })
        .await;
    server
}
