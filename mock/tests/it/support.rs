//! What the mock's tests share: a test application and a clock a test moves.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

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
