//! Signing callbacks the way Vonage does, to test a receiver without Vonage.

use std::time::SystemTime;

use aws_lc_rs::{digest, hmac};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;

use super::VONAGE_ISSUER;
use crate::SignatureSecret;
use crate::clock::unix_seconds;

/// Signs callback bodies as Vonage does: an HS256 JWT over `iat`, a fresh `jti`, `iss: Vonage`,
/// `payload_hash` (hex SHA-256 of the body), `api_key` and, if set, `application_id`.
///
/// Behind the `testing` feature; enable it for your tests only (beside the crate in
/// `[dependencies]`; the path is where your checkout is, as the crate is not on crates.io yet):
///
/// ```toml
/// [dev-dependencies]
/// vonage-verify = { path = "../vonage-verify", features = ["testing"] }
/// ```
///
/// ```
/// use vonage_verify::SignatureSecret;
/// use vonage_verify::webhook::{Verifier, Webhook};
/// use vonage_verify::webhook::testing::Signer;
///
/// let secret = SignatureSecret::new("a signature secret for tests");
/// let body = br#"{"request_id":"c11236f4-00bf-4b89-84ba-88b25df97315","type":"event",
///     "channel":"voice","status":"failed","triggered_at":"2025-01-01T14:00:00Z",
///     "finalized_at":"2025-01-01T14:01:00Z"}"#;
/// let authorization = Signer::new(secret.clone(), "abcd1234").authorization(body);
///
/// let verified = Verifier::new(secret).api_key("abcd1234").verify_and_parse(&authorization, body)?;
/// assert!(matches!(verified.webhook, Webhook::Event(_)));
/// # Ok::<(), vonage_verify::webhook::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Signer {
    secret: SignatureSecret,
    api_key: String,
    application_id: Option<String>,
    issued_at: Option<SystemTime>,
    jti: Option<String>,
}

impl Signer {
    /// Signs with `secret` for the account `api_key`.
    pub fn new(secret: SignatureSecret, api_key: impl Into<String>) -> Self {
        Self {
            secret,
            api_key: api_key.into(),
            application_id: None,
            issued_at: None,
            jti: None,
        }
    }

    /// Adds an `application_id` claim.
    pub fn application_id(mut self, application_id: impl Into<String>) -> Self {
        self.application_id = Some(application_id.into());
        self
    }

    /// Sets `iat`. By default it is the system clock's time when signing: set it when the
    /// verifier under test reads an injected clock.
    pub fn issued_at(mut self, issued_at: SystemTime) -> Self {
        self.issued_at = Some(issued_at);
        self
    }

    /// Sets `jti` (a fresh v4 UUID per token by default), to test replay detection.
    pub fn jti(mut self, jti: impl Into<String>) -> Self {
        self.jti = Some(jti.into());
        self
    }

    /// The token for `body`.
    pub fn sign(&self, body: &[u8]) -> String {
        let header = json!({ "alg": "HS256", "typ": "JWT" });
        let mut claims = json!({
            "iat": unix_seconds(self.issued_at.unwrap_or_else(SystemTime::now)),
            "jti": self.jti.clone().unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
            "iss": VONAGE_ISSUER,
            "payload_hash": hex(digest::digest(&digest::SHA256, body).as_ref()),
            "api_key": self.api_key,
        });
        if let Some(application_id) = &self.application_id {
            claims["application_id"] = application_id.clone().into();
        }
        let message = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let key = hmac::Key::new(hmac::HMAC_SHA256, self.secret.expose());
        let signature = hmac::sign(&key, message.as_bytes());
        format!("{message}.{}", URL_SAFE_NO_PAD.encode(signature))
    }

    /// The `Authorization` header value for `body`: `Bearer <token>`.
    pub fn authorization(&self, body: &[u8]) -> String {
        format!("Bearer {}", self.sign(body))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
