//! What the wire tests share: test credentials, clients pointed at a mock, one-route mocks.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use httpmock::MockServer;
use serde_json::Value;
use vonage_verify::{ApiKey, Client, ClientBuilder, Clock, PrivateKey};

/// `Basic base64("abcd1234:s3cr3t!")`, what the API key credentials look like as HTTP Basic.
pub const BASIC: &str = "Basic YWJjZDEyMzQ6czNjcjN0IQ==";
/// The test API secret (the `!` shows form encoding).
pub const SECRET: &str = "s3cr3t!";
/// The test application.
pub const APPLICATION_ID: &str = "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab";

/// A throwaway 2048-bit RSA key pair generated for these tests.
pub const PRIVATE_KEY: &str = include_str!("../fixtures/keys/rsa-private.pem");
pub const PUBLIC_KEY: &str = include_str!("../fixtures/keys/rsa-public.pem");

/// Test credentials: key `abcd1234`, secret [`SECRET`].
pub fn api_key() -> ApiKey {
    ApiKey::new("abcd1234", SECRET)
}

pub fn private_key() -> PrivateKey {
    PrivateKey::from_pem(PRIVATE_KEY).expect("test key loads")
}

/// A builder aimed at `server`, without credentials.
pub fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder().base_url(server.base_url())
}

/// A client aimed at `server` with the API key and secret only.
pub fn client(server: &MockServer) -> Client {
    builder(server)
        .api_key(api_key())
        .build()
        .expect("valid test client")
}

/// A client aimed at `server` with the API key and an application, so v2 sends JWTs (what
/// silent authentication needs).
pub fn jwt_client(server: &MockServer) -> Client {
    builder(server)
        .api_key(api_key())
        .application(APPLICATION_ID, private_key())
        .build()
        .expect("valid test client")
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

/// A clock that moves only when a test moves it.
#[derive(Debug)]
pub struct ManualClock(Mutex<SystemTime>);

impl ManualClock {
    /// Starts at a fixed, recent time, so claims are predictable.
    pub fn new() -> Arc<Self> {
        Arc::new(Self(Mutex::new(
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_790_000_000),
        )))
    }

    /// Starts at `time`.
    pub fn at(time: SystemTime) -> Arc<Self> {
        Arc::new(Self(Mutex::new(time)))
    }

    pub fn advance(&self, by: Duration) {
        *self.0.lock().unwrap() += by;
    }

    pub fn rewind(&self, by: Duration) {
        *self.0.lock().unwrap() -= by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        *self.0.lock().unwrap()
    }
}
