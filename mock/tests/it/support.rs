//! What the mock's tests share: a test application and a clock a test moves.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use vonage_verify::PrivateKey;
use vonage_verify_mock::ManualClock;

/// An application of the tests' own, unlike the mock's built-in one.
pub const APPLICATION_ID: &str = "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab";

/// A throwaway 2048-bit RSA key pair generated for these tests.
pub const PRIVATE_KEY: &str = include_str!("../fixtures/rsa-private.pem");
pub const PUBLIC_KEY: &str = include_str!("../fixtures/rsa-public.pem");

pub fn private_key() -> PrivateKey {
    PrivateKey::from_pem(PRIVATE_KEY).expect("test key loads")
}

/// A manual clock at a fixed, recent time, so claims are predictable.
pub fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_790_000_000),
    ))
}

/// What a receiver got: the `Authorization` header and the body, per callback.
pub type Received = Arc<Mutex<Vec<(String, Bytes)>>>;

/// A webhook receiver on 127.0.0.1 that answers every callback with `status`.
pub async fn receiver(status: StatusCode) -> (String, Received) {
    let received = Received::default();
    let app = Router::new()
        .route(
            "/hooks",
            post(
                move |State(received): State<Received>, headers: HeaderMap, body: Bytes| async move {
                    let authorization = headers
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned();
                    received.lock().unwrap().push((authorization, body));
                    status
                },
            ),
        )
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, received)
}
