//! Credentials, each kept in memory that is wiped on drop and shown as `[redacted]` by `Debug`.

use std::fmt;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER;
use jsonwebtoken::{Algorithm, EncodingKey};
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::error::ConfigError;

const REDACTED: &str = "[redacted]";

/// An account's API key and secret: what v1 requires and what v2 accepts as HTTP Basic.
///
/// ```
/// let credentials = vonage_verify::ApiKey::new("abcd1234", "s3cr3t");
/// assert_eq!(credentials.key(), "abcd1234");
/// assert!(!format!("{credentials:?}").contains("s3cr3t"));
/// ```
#[derive(Clone)]
pub struct ApiKey {
    key: String,
    secret: SecretString,
}

impl ApiKey {
    /// Credentials from the key and secret shown in the Vonage dashboard.
    pub fn new(key: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            secret: SecretString::from(secret.into()),
        }
    }

    /// The API key, which is not secret (it identifies the account).
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The API secret itself, named like `secrecy`'s accessor so that every read of it is
    /// easy to find: for code that must present or check it outside this crate's client (a
    /// test server that accepts these credentials, say). Keep it out of logs and messages.
    pub fn expose_secret(&self) -> &str {
        self.secret.expose_secret()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKey")
            .field("key", &self.key)
            .field("secret", &REDACTED)
            .finish()
    }
}

/// An application's RSA private key, which signs the JWTs v2 accepts.
///
/// The key is checked when loaded: it must be an RSA private key in PEM form (PKCS#8, as the
/// Vonage dashboard hands it out, or PKCS#1), and it must be able to sign.
///
/// ```
/// # fn main() -> Result<(), vonage_verify::ConfigError> {
/// use vonage_verify::PrivateKey;
///
/// // Usually: PrivateKey::from_file("private.key")?
/// let pem = std::fs::read_to_string(concat!(
///     env!("CARGO_MANIFEST_DIR"),
///     "/tests/fixtures/keys/rsa-private.pem"
/// )).unwrap();
/// let key = PrivateKey::from_pem(&pem)?;
/// assert_eq!(format!("{key:?}"), "PrivateKey([redacted])");
///
/// assert!(PrivateKey::from_pem("not a key").is_err());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct PrivateKey {
    // `EncodingKey` wipes its bytes on drop and has no `Debug` of its own.
    key: EncodingKey,
}

impl PrivateKey {
    /// Loads a PEM-encoded RSA private key.
    ///
    /// # Errors
    ///
    /// [`ConfigError::PrivateKey`] if the text is not an RSA private key that can sign.
    pub fn from_pem(pem: impl AsRef<[u8]>) -> Result<Self, ConfigError> {
        // The dashboard shows the public key, and it is easy to paste it here by mistake.
        let text = String::from_utf8_lossy(pem.as_ref());
        if text.contains("-----BEGIN PUBLIC KEY-----")
            || text.contains("-----BEGIN RSA PUBLIC KEY-----")
        {
            return Err(ConfigError::PrivateKey {
                reason: "this is a public key; give the application's private key (the \
                         `private.key` file the Vonage dashboard downloads when the \
                         application is created)"
                    .to_owned(),
            });
        }
        let key = EncodingKey::from_rsa_pem(pem.as_ref()).map_err(|e| ConfigError::PrivateKey {
            reason: format!("not an RSA private key in PEM form ({e})"),
        })?;
        let key = Self { key };
        // A public key or a truncated one parses as PEM; only signing shows it is unusable.
        key.sign(b"probe").map_err(|e| ConfigError::PrivateKey {
            reason: format!("the key cannot sign ({e})"),
        })?;
        Ok(key)
    }

    /// Reads a PEM-encoded RSA private key from a file, such as the `private.key` the Vonage
    /// dashboard downloads when an application is created.
    ///
    /// # Errors
    ///
    /// [`ConfigError::PrivateKeyFile`] if the file cannot be read, and
    /// [`ConfigError::PrivateKey`] if it does not hold a usable RSA private key.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        let path = path.as_ref();
        let pem = secrecy::SecretSlice::from(std::fs::read(path).map_err(|source| {
            ConfigError::PrivateKeyFile {
                path: path.to_owned(),
                source,
            }
        })?);
        Self::from_pem(pem.expose_secret())
    }

    /// Signs `message` with RS256, as a JWT's signature (base64url, no padding). Through
    /// jsonwebtoken's aws-lc-rs provider, named explicitly: the process-wide default that
    /// `jsonwebtoken::encode` uses panics when an application's dependency graph enables both
    /// of jsonwebtoken's crypto backends.
    pub(crate) fn sign(&self, message: &[u8]) -> Result<String, jsonwebtoken::errors::Error> {
        let signer = (DEFAULT_PROVIDER.signer_factory)(&Algorithm::RS256, &self.key)?;
        let signature = signer.try_sign(message)?;
        Ok(URL_SAFE_NO_PAD.encode(signature))
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PrivateKey")
            .field(&format_args!("{REDACTED}"))
            .finish()
    }
}

/// A token the caller obtained elsewhere, sent as `Authorization: Bearer` to v2.
///
/// ```
/// let token = vonage_verify::BearerToken::new("eyJhbGciOi...");
/// assert_eq!(format!("{token:?}"), "BearerToken([redacted])");
/// ```
#[derive(Clone)]
pub struct BearerToken(SecretString);

impl BearerToken {
    /// Wraps a token, for example a JWT minted by another service.
    pub fn new(token: impl Into<String>) -> Self {
        Self(SecretString::from(token.into()))
    }

    pub(crate) fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("BearerToken")
            .field(&format_args!("{REDACTED}"))
            .finish()
    }
}

/// The account's signature secret, which Vonage uses to sign the webhooks it sends.
///
/// ```
/// let secret = vonage_verify::SignatureSecret::new("whsec");
/// assert_eq!(format!("{secret:?}"), "SignatureSecret([redacted])");
/// ```
#[derive(Clone)]
pub struct SignatureSecret(SecretString);

impl SignatureSecret {
    /// Wraps the secret shown in the dashboard's API settings.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(SecretString::from(secret.into()))
    }

    /// The secret's bytes, for verifying a webhook's signature.
    pub(crate) fn expose(&self) -> &[u8] {
        self.0.expose_secret().as_bytes()
    }
}

impl fmt::Debug for SignatureSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SignatureSecret")
            .field(&format_args!("{REDACTED}"))
            .finish()
    }
}

/// How the client authenticates to Verify v2.
///
/// v1 always uses the API key and secret; v2 accepts a JWT, a bearer token or HTTP Basic.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum V2Auth {
    /// A bearer token if one was given, else a JWT if an application was given, else Basic.
    #[default]
    Auto,
    /// Always a JWT minted from the application id and private key.
    Jwt,
    /// Always the caller's bearer token.
    Bearer,
    /// Always HTTP Basic with the API key and secret.
    Basic,
}

/// `scheme credential` as a header value, or `None` when it cannot be one (header values
/// cannot hold control characters; the client builder checks the caller's token).
pub(crate) fn authorization_value(scheme: &str, credential: &str) -> Option<HeaderValue> {
    let text = Zeroizing::new(format!("{scheme} {credential}"));
    let mut value = HeaderValue::from_str(&text).ok()?;
    // Sensitive values are left out of `Debug` output and HTTP/2 header compression.
    value.set_sensitive(true);
    Some(value)
}
