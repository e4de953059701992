//! Checking that a callback comes from Vonage: the token's signature, age and claims, and that
//! the body is the one it was issued for.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_lc_rs::{constant_time, digest, hmac};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{Error, Webhook, parse};
use crate::{Clock, SignatureSecret, SystemClock};

/// What Vonage puts in `iss`.
pub const VONAGE_ISSUER: &str = "Vonage";

/// How old a token may be, and how far in the future, unless set otherwise.
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(5 * 60);

/// A token longer than this is refused before it is decoded; Vonage's are a few hundred bytes.
const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// How long after `exp` a token is still taken, and how long before `nbf`, for clock skew
/// (jsonwebtoken's default leeway).
pub const EXP_LEEWAY: Duration = Duration::from_secs(60);

/// Checks that callbacks come from Vonage.
///
/// Vonage signs each callback with a JWT in `Authorization: Bearer`, HS256 with the account's
/// signature secret. A callback passes when, in this order:
///
/// 1. the token's header names HS256 (`none`, RS256 and every other algorithm are refused
///    before anything else is looked at);
/// 2. its signature matches the secret (compared in constant time);
/// 3. `iss`, `api_key` and `application_id` equal the values given to [`issuer`](Self::issuer),
///    [`api_key`](Self::api_key) and [`application_id`](Self::application_id), for those that
///    were given;
/// 4. `iat` is within [`window`](Self::window) of the clock (five minutes by default) either
///    way; `exp`, which Vonage does not document and is not required, has not passed by more
///    than [`EXP_LEEWAY`] if present; and `nbf`, if present, is not more than that ahead;
/// 5. `payload_hash` is the hex SHA-256 of the body's exact bytes. Vonage's own sample hashes
///    the body after parsing and re-serialising it compactly, so a body whose bytes do not
///    match is also tried with the whitespace between JSON tokens removed (key order, strings
///    and escapes unchanged; removing that whitespace cannot change what the JSON means).
///
/// A token stays valid for its whole window, so a captured callback can be replayed within it:
/// if that matters, remember each [`Claims::jti`] for the window and refuse repeats.
///
/// Build one verifier and share it (it is cheap to clone): the HMAC key is prepared once. The
/// claims are read here rather than by `jsonwebtoken::decode`, whose `exp` check reads the
/// system clock and whose process-wide crypto backend panics when an application links both of
/// its backends; the HMAC is aws-lc-rs's, the library rustls already uses.
///
/// ```
/// use vonage_verify::SignatureSecret;
/// use vonage_verify::webhook::{Verifier, VONAGE_ISSUER};
///
/// let verifier = Verifier::new(SignatureSecret::new("the account's signature secret"))
///     .api_key("abcd1234")
///     .issuer(VONAGE_ISSUER);
///
/// // In a handler: the `Authorization` header's value and the body's bytes, as received.
/// let refused = verifier.verify_and_parse("Bearer not.a.token", b"{}");
/// assert!(refused.is_err());
/// ```
#[derive(Clone)]
pub struct Verifier {
    /// `None` for an empty secret, which would let anyone sign.
    key: Option<Arc<hmac::Key>>,
    window: Duration,
    clock: Arc<dyn Clock>,
    issuer: Option<String>,
    api_key: Option<String>,
    application_id: Option<String>,
}

impl Verifier {
    /// A verifier for tokens signed with `secret`, checking no optional claim.
    ///
    /// An empty secret would let anyone sign a callback: with one, every callback is refused
    /// with [`Error::EmptySecret`].
    pub fn new(secret: SignatureSecret) -> Self {
        let secret = secret.expose();
        Self {
            key: (!secret.is_empty()).then(|| Arc::new(hmac::Key::new(hmac::HMAC_SHA256, secret))),
            window: DEFAULT_WINDOW,
            clock: Arc::new(SystemClock),
            issuer: None,
            api_key: None,
            application_id: None,
        }
    }

    /// How far `iat` may be from the clock, either way.
    pub fn window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// The clock `iat` and `exp` are compared with (the system clock by default).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Require `iss` to be `issuer` (Vonage sends [`VONAGE_ISSUER`]).
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// Require the `api_key` claim, the account that started the verification, to be `api_key`.
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = Some(api_key.into());
        self
    }

    /// Require the `application_id` claim to be `application_id`.
    pub fn application_id(mut self, application_id: impl Into<String>) -> Self {
        self.application_id = Some(application_id.into());
        self
    }

    /// Checks a callback from its `Authorization` header value (`Bearer <token>`) and its body.
    pub fn verify(&self, authorization: &str, body: &[u8]) -> Result<Claims, Error> {
        self.verify_token(bearer_token(authorization)?, body)
    }

    /// Checks a callback from its headers and body (`http` 1.x types, as used by axum, hyper
    /// 1 and reqwest; with another framework, pass the single `Authorization` value to
    /// [`verify`](Self::verify)).
    pub fn verify_headers(&self, headers: &http::HeaderMap, body: &[u8]) -> Result<Claims, Error> {
        let mut values = headers.get_all(http::header::AUTHORIZATION).iter();
        let (Some(value), None) = (values.next(), values.next()) else {
            return Err(if headers.contains_key(http::header::AUTHORIZATION) {
                Error::NotBearer
            } else {
                Error::MissingToken
            });
        };
        let value = value.to_str().map_err(|_| Error::NotBearer)?;
        self.verify(value, body)
    }

    /// Checks a callback from the bare token and its body.
    pub fn verify_token(&self, token: &str, body: &[u8]) -> Result<Claims, Error> {
        let result = self.check(token, body);
        if let Err(error) = &result {
            tracing::debug!(target: "vonage_verify::webhook", %error, "callback refused");
        }
        result
    }

    /// Checks a callback as [`verify`](Self::verify) does, then decodes it with
    /// [`parse`](super::parse).
    pub fn verify_and_parse(&self, authorization: &str, body: &[u8]) -> Result<Verified, Error> {
        let claims = self.verify(authorization, body)?;
        Ok(Verified {
            claims,
            webhook: parse(body)?,
        })
    }

    fn check(&self, token: &str, body: &[u8]) -> Result<Claims, Error> {
        if token.is_empty() {
            return Err(Error::MissingToken);
        }
        if token.len() > MAX_TOKEN_BYTES {
            return Err(Error::Malformed {
                reason: "longer than 8 KiB",
            });
        }
        let mut parts = token.split('.');
        let (Some(header), Some(claims), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(Error::Malformed {
                reason: "not three dot-separated parts",
            });
        };

        check_algorithm(&json_object(
            header,
            "the header is not a base64url JSON object",
        )?)?;
        self.check_signature(&token[..header.len() + 1 + claims.len()], signature)?;
        let claims = Claims::read(json_object(
            claims,
            "the claims are not a base64url JSON object",
        )?)?;

        expect(&self.issuer, claims.iss.as_deref(), "iss", Error::Issuer)?;
        expect(
            &self.api_key,
            claims.api_key.as_deref(),
            "api_key",
            Error::ApiKey,
        )?;
        expect(
            &self.application_id,
            claims.application_id.as_deref(),
            "application_id",
            Error::ApplicationId,
        )?;
        self.check_times(&claims)?;
        check_payload_hash(&claims.payload_hash, body)?;
        Ok(claims)
    }

    fn check_signature(&self, message: &str, signature: &str) -> Result<(), Error> {
        let key = self.key.as_ref().ok_or(Error::EmptySecret)?;
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| Error::Malformed {
                reason: "the signature is not base64url",
            })?;
        hmac::verify(key, message.as_bytes(), &signature).map_err(|_| Error::Signature)
    }

    fn check_times(&self, claims: &Claims) -> Result<(), Error> {
        let now = self.clock.now();
        match now.duration_since(claims.issued_at) {
            Ok(age) if age > self.window => {
                return Err(Error::Stale {
                    age,
                    window: self.window,
                });
            }
            Err(ahead) if ahead.duration() > self.window => {
                return Err(Error::IssuedInFuture {
                    ahead: ahead.duration(),
                    window: self.window,
                });
            }
            _ => {}
        }
        if let Some(expires) = claims.expires_at
            && let Ok(ago) = now.duration_since(expires)
            && ago > EXP_LEEWAY
        {
            return Err(Error::Expired { ago });
        }
        // RFC 7519 §4.1.5: a token must not be accepted before its `nbf`.
        if let Some(not_before) = claims.not_before
            && let Ok(ahead) = not_before.duration_since(now)
            && ahead > EXP_LEEWAY
        {
            return Err(Error::NotYetValid { ahead });
        }
        Ok(())
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("key", &self.key.as_ref().map(|_| "[redacted]"))
            .field("window", &self.window)
            .field("clock", &self.clock)
            .field("issuer", &self.issuer)
            .field("api_key", &self.api_key)
            .field("application_id", &self.application_id)
            .finish()
    }
}

/// A callback that passed every check, decoded.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Verified {
    /// The token's claims.
    pub claims: Claims,
    /// The callback.
    pub webhook: Webhook,
}

/// The claims of a verified token.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Claims {
    /// When the token was issued (`iat`).
    pub issued_at: SystemTime,
    /// When it expires (`exp`), if it says.
    pub expires_at: Option<SystemTime>,
    /// When it becomes valid (`nbf`), if it says.
    pub not_before: Option<SystemTime>,
    /// The token's unique id (`jti`): remember the ones seen to refuse a replayed callback.
    pub jti: Option<String>,
    /// Who issued it (`iss`), `Vonage` for real callbacks.
    pub iss: Option<String>,
    /// The account that started the verification.
    pub api_key: Option<String>,
    /// The application, when one was used.
    pub application_id: Option<String>,
    /// Hex SHA-256 of the body.
    pub payload_hash: String,
}

impl Claims {
    fn read(mut claims: Map<String, Value>) -> Result<Self, Error> {
        let issued_at =
            time(claims.remove("iat"), "iat")?.ok_or(Error::MissingClaim { claim: "iat" })?;
        Ok(Self {
            issued_at,
            expires_at: time(claims.remove("exp"), "exp")?,
            not_before: time(claims.remove("nbf"), "nbf")?,
            jti: text(claims.remove("jti"), "jti")?,
            iss: text(claims.remove("iss"), "iss")?,
            api_key: text(claims.remove("api_key"), "api_key")?,
            application_id: text(claims.remove("application_id"), "application_id")?,
            payload_hash: text(claims.remove("payload_hash"), "payload_hash")?.ok_or(
                Error::MissingClaim {
                    claim: "payload_hash",
                },
            )?,
        })
    }
}

fn text(value: Option<Value>, claim: &'static str) -> Result<Option<String>, Error> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(Error::InvalidClaim {
            claim,
            reason: "not a string",
        }),
    }
}

/// A NumericDate: seconds since the epoch, possibly fractional (RFC 7519 §2).
fn time(value: Option<Value>, claim: &'static str) -> Result<Option<SystemTime>, Error> {
    let invalid = |reason| Error::InvalidClaim { claim, reason };
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(number)) => {
            let seconds = number.as_f64().ok_or(invalid("not a number"))?;
            if !(0.0..=1e11).contains(&seconds) {
                return Err(invalid("out of range"));
            }
            Ok(Some(
                SystemTime::UNIX_EPOCH + Duration::from_secs_f64(seconds),
            ))
        }
        Some(_) => Err(invalid("not a number of seconds")),
    }
}

fn bearer_token(authorization: &str) -> Result<&str, Error> {
    let authorization = authorization.trim();
    if authorization.is_empty() {
        return Err(Error::MissingToken);
    }
    let (scheme, token) = authorization.split_once(' ').unwrap_or((authorization, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(Error::NotBearer);
    }
    match token.trim_start() {
        "" => Err(Error::MissingToken),
        token => Ok(token),
    }
}

fn json_object(part: &str, reason: &'static str) -> Result<Map<String, Value>, Error> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| Error::Malformed { reason })?;
    serde_json::from_slice(&bytes).map_err(|_| Error::Malformed { reason })
}

fn check_algorithm(header: &Map<String, Value>) -> Result<(), Error> {
    #[derive(Deserialize)]
    struct Header {
        alg: Option<Value>,
        crit: Option<Value>,
    }
    let Header { alg, crit } =
        Header::deserialize(Value::Object(header.clone())).map_err(|_| Error::Malformed {
            reason: "the header is not a JSON object",
        })?;
    let alg = match alg {
        Some(Value::String(alg)) => alg,
        None => return Err(Error::Algorithm { alg: String::new() }),
        Some(other) => {
            return Err(Error::Algorithm {
                alg: shown(&other.to_string()),
            });
        }
    };
    if alg != "HS256" {
        return Err(Error::Algorithm { alg: shown(&alg) });
    }
    // RFC 7515 §4.1.11: extensions the recipient must understand; this verifier knows none.
    if crit.is_some() {
        return Err(Error::Malformed {
            reason: "the header lists critical extensions",
        });
    }
    Ok(())
}

/// A value from a hostile header, made safe to print.
fn shown(value: &str) -> String {
    value.chars().filter(|c| !c.is_control()).take(16).collect()
}

fn expect(
    expected: &Option<String>,
    found: Option<&str>,
    claim: &'static str,
    mismatch: Error,
) -> Result<(), Error> {
    let Some(expected) = expected else {
        return Ok(());
    };
    let found = found.ok_or(Error::MissingClaim { claim })?;
    constant_time::verify_slices_are_equal(expected.as_bytes(), found.as_bytes())
        .map_err(|_| mismatch)
}

fn check_payload_hash(claimed: &str, body: &[u8]) -> Result<(), Error> {
    let claimed = decode_hex(claimed).ok_or(Error::InvalidClaim {
        claim: "payload_hash",
        reason: "not 64 hex digits",
    })?;
    let matches = |bytes: &[u8]| {
        constant_time::verify_slices_are_equal(
            digest::digest(&digest::SHA256, bytes).as_ref(),
            &claimed,
        )
        .is_ok()
    };
    if matches(body) {
        return Ok(());
    }
    match compact_json(body) {
        Some(compact) if compact != body && matches(&compact) => Ok(()),
        _ => Err(Error::PayloadHash),
    }
}

fn decode_hex(hex: &str) -> Option<[u8; 32]> {
    let hex = hex.as_bytes();
    if hex.len() != 64 {
        return None;
    }
    let mut bytes = [0u8; 32];
    for (byte, pair) in bytes.iter_mut().zip(hex.chunks_exact(2)) {
        let digit = |d: u8| char::from(d).to_digit(16);
        *byte = u8::try_from(digit(pair[0])? * 16 + digit(pair[1])?).ok()?;
    }
    Some(bytes)
}

/// The body with the whitespace between JSON tokens removed, strings untouched: what
/// `JSON.stringify` of the parsed body gives, except for escapes it would rewrite. `None` when
/// the body is not JSON.
fn compact_json(body: &[u8]) -> Option<Vec<u8>> {
    serde_json::from_slice::<serde::de::IgnoredAny>(body).ok()?;
    let mut out = Vec::with_capacity(body.len());
    let (mut in_string, mut escaped) = (false, false);
    for &byte in body {
        if in_string {
            out.push(byte);
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else if !matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
            in_string = byte == b'"';
            out.push(byte);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_json_keeps_strings_and_order() {
        let body = b"{ \"b\" : \"a \\\" b\",\n  \"a\": [1, 2] }";
        assert_eq!(
            compact_json(body).unwrap(),
            b"{\"b\":\"a \\\" b\",\"a\":[1,2]}".to_vec()
        );
        assert_eq!(compact_json(b"{ not json"), None);
    }

    #[test]
    fn hex_is_read_in_either_case() {
        let lower = "00ff".repeat(16);
        assert_eq!(decode_hex(&lower), decode_hex(&lower.to_uppercase()));
        assert_eq!(decode_hex(&lower).unwrap()[1], 0xff);
        assert_eq!(decode_hex(&"0g".repeat(32)), None);
        assert_eq!(decode_hex("00"), None);
    }

    #[test]
    fn bearer_scheme_is_case_insensitive() {
        assert_eq!(bearer_token("bearer  abc").unwrap(), "abc");
        assert!(matches!(bearer_token("Basic abc"), Err(Error::NotBearer)));
        assert!(matches!(bearer_token("abc"), Err(Error::NotBearer)));
        assert!(matches!(bearer_token("  "), Err(Error::MissingToken)));
    }
}
