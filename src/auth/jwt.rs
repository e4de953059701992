//! Application JWTs for Verify v2: minted with RS256, cached, and replaced before they expire.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError, RwLock, TryLockError};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, Header};
use secrecy::SecretString;
use serde::Serialize;

use super::credentials::{PrivateKey, authorization_value};
use crate::clock::{Clock, unix_seconds};

/// How the client's application JWTs are minted.
///
/// ```
/// use std::time::Duration;
/// use vonage_verify::JwtOptions;
///
/// let options = JwtOptions::default()
///     .ttl(Duration::from_secs(5 * 60))
///     .refresh_margin(Duration::from_secs(30))
///     .subject("alice")
///     .acl(serde_json::json!({"paths": {"/*/verify/**": {}}}));
/// # let _ = options;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct JwtOptions {
    pub(crate) ttl: Duration,
    pub(crate) refresh_margin: Duration,
    pub(crate) subject: Option<String>,
    pub(crate) acl: Option<serde_json::Value>,
}

impl Default for JwtOptions {
    /// Tokens live 15 minutes and are replaced once less than a minute is left.
    fn default() -> Self {
        Self {
            ttl: Duration::from_secs(15 * 60),
            refresh_margin: Duration::from_secs(60),
            subject: None,
            acl: None,
        }
    }
}

impl JwtOptions {
    /// How long each token is valid (its `exp` minus its `iat`). Default: 15 minutes.
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// How long before expiry a cached token is replaced, so that a token never expires in
    /// flight. Must be shorter than the lifetime. Default: 60 seconds.
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// The `sub` claim.
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// The `acl` claim, which restricts what the token may call.
    pub fn acl(mut self, acl: serde_json::Value) -> Self {
        self.acl = Some(acl);
        self
    }
}

#[derive(Serialize)]
struct Claims<'a> {
    application_id: &'a str,
    iat: u64,
    jti: String,
    exp: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    acl: Option<&'a serde_json::Value>,
}

/// One minted token and the window it is valid in.
pub(crate) struct Minted {
    pub(crate) token: SecretString,
    /// `Bearer <token>`, made once for every request the token is used on.
    pub(crate) header: Option<http::HeaderValue>,
    issued_at: u64,
    expires_at: u64,
}

/// Mints tokens for one application and shares the current one between requests.
pub(crate) struct TokenSource {
    application_id: String,
    key: PrivateKey,
    options: JwtOptions,
    clock: Arc<dyn Clock>,
    // Readers only clone the `Arc` out, so concurrent requests never wait on each other while
    // the token is fresh.
    current: RwLock<Option<Arc<Minted>>>,
    // The token before the current one, which may still be valid (and in flight) for up to
    // the refresh margin after the current one was minted.
    previous: RwLock<Option<Arc<Minted>>>,
    // Held only while minting, so a refresh happens once; others keep using the old token.
    minting: Mutex<()>,
}

impl TokenSource {
    pub(crate) fn new(
        application_id: String,
        key: PrivateKey,
        options: JwtOptions,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            application_id,
            key,
            options,
            clock,
            current: RwLock::new(None),
            previous: RwLock::new(None),
            minting: Mutex::new(()),
        }
    }

    /// The cached token if it is still good for longer than the refresh margin, else a new one.
    pub(crate) fn token(&self) -> Result<Arc<Minted>, jsonwebtoken::errors::Error> {
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        let _minting = match self.minting.try_lock() {
            Ok(guard) => guard,
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            // Someone else is minting: the token due for renewal is still valid for the rest
            // of the margin, so use it rather than wait.
            Err(TryLockError::WouldBlock) => match self.unexpired() {
                Some(token) => return Ok(token),
                None => self.minting.lock().unwrap_or_else(PoisonError::into_inner),
            },
        };
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        let token = Arc::new(self.mint()?);
        let replaced = self
            .current
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .replace(Arc::clone(&token));
        *self
            .previous
            .write()
            .unwrap_or_else(PoisonError::into_inner) = replaced;
        tracing::debug!(
            application_id = %self.application_id,
            expires_at = token.expires_at,
            "minted an application JWT"
        );
        Ok(token)
    }

    /// The tokens that may still be valid: the last minted, and the one before it. (Tokens
    /// are renewed a margin before they expire; with a lifetime of at least twice the margin,
    /// any older one has expired.)
    pub(crate) fn recent(&self) -> Vec<Arc<Minted>> {
        [&self.current, &self.previous]
            .into_iter()
            .filter_map(|slot| slot.read().unwrap_or_else(PoisonError::into_inner).clone())
            .collect()
    }

    /// The cached token if it has more than the refresh margin left.
    fn fresh(&self) -> Option<Arc<Minted>> {
        self.cached_with(self.options.refresh_margin.as_secs())
    }

    /// The cached token if it has not expired.
    fn unexpired(&self) -> Option<Arc<Minted>> {
        self.cached_with(0)
    }

    fn cached_with(&self, margin: u64) -> Option<Arc<Minted>> {
        let now = unix_seconds(self.clock.now());
        let current = self.current.read().unwrap_or_else(PoisonError::into_inner);
        current
            .as_ref()
            // A clock that went backwards would make the cached `iat` lie in the future.
            .filter(|t| t.issued_at <= now && now.saturating_add(margin) < t.expires_at)
            .cloned()
    }

    fn mint(&self) -> Result<Minted, jsonwebtoken::errors::Error> {
        let issued_at = unix_seconds(self.clock.now());
        let expires_at = issued_at.saturating_add(self.options.ttl.as_secs());
        let claims = Claims {
            application_id: &self.application_id,
            iat: issued_at,
            jti: uuid::Uuid::new_v4().to_string(),
            exp: expires_at,
            sub: self.options.subject.as_deref(),
            acl: self.options.acl.as_ref(),
        };
        let header = encode_json(&Header::new(Algorithm::RS256))?;
        let claims = encode_json(&claims)?;
        let message = format!("{header}.{claims}");
        let signature = self.key.sign(message.as_bytes())?;
        let token = format!("{message}.{signature}");
        Ok(Minted {
            header: authorization_value("Bearer", &token),
            token: SecretString::from(token),
            issued_at,
            expires_at,
        })
    }
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSource")
            .field("application_id", &self.application_id)
            .field("key", &self.key)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for Minted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Minted")
            .field("token", &"[redacted]")
            .field("issued_at", &self.issued_at)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

fn encode_json(value: &impl Serialize) -> Result<String, jsonwebtoken::errors::Error> {
    let json = serde_json::to_vec(value).map_err(jsonwebtoken::errors::Error::from)?;
    Ok(URL_SAFE_NO_PAD.encode(json))
}
