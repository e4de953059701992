use std::time::Duration;

/// Why a callback was refused or could not be read.
///
/// Every check has its own variant, so a receiver can log or count them apart. None of them
/// carries the token, the signature secret or the expected values it was compared with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request has no `Authorization` header, or it is empty. Vonage signs every Verify
    /// callback by default; an unsigned one can follow an internal error on its side, and
    /// refusing it (any answer but 200 or 204) makes Vonage send it again, signed.
    #[error("the callback carries no token")]
    MissingToken,
    /// The `Authorization` header is not `Bearer <token>`, or appears more than once.
    #[error("the Authorization header is not a single `Bearer <token>`")]
    NotBearer,
    /// The token is not a JWT: not three base64url parts, or a part that is not a JSON object.
    #[error("the token is not a well-formed JWT: {reason}")]
    Malformed {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The token names an algorithm other than HS256 (including `none`); nothing else was checked.
    #[error("the token is signed with `{alg}`, and only HS256 is accepted")]
    Algorithm {
        /// The algorithm it names, cut to 16 printable characters.
        alg: String,
    },
    /// The verifier was given an empty signature secret, with which anyone could sign; it
    /// refuses every callback.
    #[error("the verifier's signature secret is empty, so no callback can be trusted")]
    EmptySecret,
    /// The signature does not match the signature secret: a forged or altered token, or the
    /// secret of another account.
    #[error("the token's signature does not match the signature secret")]
    Signature,
    /// A claim the check needs is missing.
    #[error("the token has no `{claim}` claim")]
    MissingClaim {
        /// The claim.
        claim: &'static str,
    },
    /// A claim has the wrong JSON type or format.
    #[error("the token's `{claim}` claim is invalid: {reason}")]
    InvalidClaim {
        /// The claim.
        claim: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The body is not the one the token was issued for: `payload_hash` is not its SHA-256.
    #[error("the body does not match the token's payload_hash")]
    PayloadHash,
    /// The token was issued longer ago than the verifier's window allows.
    #[error("the token was issued {}s ago, more than the {}s allowed", age.as_secs(), window.as_secs())]
    Stale {
        /// How long ago it was issued.
        age: Duration,
        /// The verifier's window.
        window: Duration,
    },
    /// The token claims to be issued further in the future than the window allows.
    #[error("the token is issued {}s in the future, more than the {}s allowed", ahead.as_secs(), window.as_secs())]
    IssuedInFuture {
        /// How far ahead of the verifier's clock.
        ahead: Duration,
        /// The verifier's window.
        window: Duration,
    },
    /// The token has an `exp` claim, and it passed more than
    /// [`EXP_LEEWAY`](super::EXP_LEEWAY) ago.
    #[error("the token expired {}s ago", ago.as_secs())]
    Expired {
        /// How long ago.
        ago: Duration,
    },
    /// The token has an `nbf` claim more than [`EXP_LEEWAY`](super::EXP_LEEWAY) ahead of the
    /// verifier's clock: it is not valid yet.
    #[error("the token is not valid for another {}s", ahead.as_secs())]
    NotYetValid {
        /// How far ahead of the verifier's clock.
        ahead: Duration,
    },
    /// `iss` is not the issuer the verifier expects.
    #[error("the token's issuer is not the expected one")]
    Issuer,
    /// `api_key` is not the account the verifier expects.
    #[error("the token's api_key is not the expected account")]
    ApiKey,
    /// `application_id` is not the application the verifier expects.
    #[error("the token's application_id is not the expected application")]
    ApplicationId,
    /// The body is not JSON, or lacks a field the spec requires for its kind of callback.
    #[error("the {webhook} body cannot be decoded: {source}")]
    Payload {
        /// Which callback the body was read as.
        webhook: &'static str,
        /// The decoder's error, with its line and column.
        source: serde_json::Error,
    },
}

impl Error {
    /// Whether the callback failed a security check (as opposed to an unreadable body).
    pub fn is_unauthenticated(&self) -> bool {
        !matches!(self, Error::Payload { .. })
    }
}
