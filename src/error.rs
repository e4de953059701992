//! The crate's error types: one enum for everything a call can run into, and one for
//! configuration mistakes found while building a [`Client`](crate::Client).
//!
//! No variant carries a credential: the messages name what is missing or wrong, never its value.

use std::fmt;
use std::path::PathBuf;

use reqwest::StatusCode;

/// How many bytes of a response body an error keeps, so a huge or hostile body cannot bloat it.
pub(crate) const BODY_EXCERPT_BYTES: usize = 1024;

/// Everything that can go wrong in a call to Vonage, or in building the client.
///
/// Each variant that involves a response carries a [`ResponseContext`]: the operation, the
/// request's method and path, the HTTP status, Vonage's `x-vonage-trace-id` and the start of
/// the body, enough to debug a failure or to quote it to Vonage support.
///
/// A misbehaving server or proxy gives one of these, never a panic, and never a hang once a
/// timeout applies:
///
/// | The server… | `Error` |
/// | --- | --- |
/// | cannot be reached (refused, DNS, TLS) | `Transport`, naming the host and the cause |
/// | never answers, or trickles its headers | `Transport`, after the timeout ([`is_timeout`](Self::is_timeout)) |
/// | trickles its body | `Body`, after the same timeout |
/// | resets the connection | `Transport` before the reply, `Body` inside it |
/// | sends less than its `Content-Length`, or cuts a chunked body short | `Body` |
/// | sends a body over `max_response_bytes` (1 MiB by default) | `BodyTooLarge`: reading stops at the limit |
/// | answers an error status with HTML or anything else that is no problem document | `Status`, with the start of the body |
/// | sends an empty, non-UTF-8, too deeply nested or otherwise wrong success body | `Decode`, with the start of the body |
/// | sends XML with a DOCTYPE | `Decode`: no DTD is read, so no entity is expanded or fetched |
///
/// ```
/// # fn describe(error: &vonage_verify::Error) {
/// // What happened, then why, a cause a line.
/// eprintln!("error: {error}");
/// let mut cause = std::error::Error::source(error);
/// while let Some(next) = cause {
///     eprintln!("  because: {next}");
///     cause = next.source();
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration is unusable: reported when the client is built, by
    /// [`Client::application_jwt`](crate::Client::application_jwt) when the key cannot sign,
    /// or before sending a request the configuration rules out (silent authentication with
    /// [`V2Auth::Basic`](crate::V2Auth::Basic) pinned).
    #[error(transparent)]
    Config(#[from] ConfigError),

    /// The operation needs credentials this client was not given. A request that needs them
    /// is not sent.
    #[error(
        "{operation} needs {needs}, which this client was not given{}",
        if sends(operation) { "; nothing was sent" } else { "" }
    )]
    MissingCredentials {
        /// The operation that was called.
        operation: &'static str,
        /// The credentials it accepts.
        needs: &'static str,
    },

    /// The request breaks a rule of the API's spec. Nothing was sent.
    #[error("{operation}: invalid request, nothing was sent: {message}")]
    InvalidRequest {
        /// The operation that was called.
        operation: &'static str,
        /// What is wrong with the request.
        message: String,
    },

    /// A value breaks a constraint the API's spec states (a length, a range, a set of allowed
    /// values). Nothing was sent.
    #[error("{operation}: {field} {reason}; nothing was sent")]
    Validation {
        /// The operation that was called.
        operation: &'static str,
        /// The field, as the API names it (e.g. `pin_expiry`).
        field: &'static str,
        /// What the spec allows.
        reason: String,
    },

    /// Verify v1 answered with a non-zero `status` (v1 reports most failures in an HTTP 200
    /// reply). Wrong codes are not errors: [`v1::Api::check`](crate::v1::Api::check) returns
    /// them as outcomes.
    #[error(transparent)]
    V1(Box<crate::v1::V1Error>),

    /// A silent authentication did not complete (see
    /// [`v2::Api::complete_silent_auth`](crate::v2::Api::complete_silent_auth)).
    #[error("silent authentication: {0}")]
    SilentAuth(crate::v2::SilentAuthFailure),

    /// No response arrived: the connection, TLS handshake or the request timed out or failed.
    /// The message names the host and what went wrong at the root (connection refused, DNS
    /// lookup, timeout, TLS, connection closed); [`source`](std::error::Error::source) has
    /// reqwest's error and its own causes.
    #[error("{operation}: no response from {host}: {}", transport_cause(source))]
    Transport {
        /// The operation that was called.
        operation: &'static str,
        /// The host the request went to (with its port when the URL names one).
        host: String,
        /// What reqwest reported (without the URL).
        #[source]
        source: reqwest::Error,
    },

    /// The response body was longer than the client's limit, so reading stopped.
    #[error("{context}: the response body exceeds the {limit}-byte limit")]
    BodyTooLarge {
        /// The operation and response.
        context: ResponseContext,
        /// The configured limit in bytes.
        limit: usize,
    },

    /// The response body could not be read to its end.
    #[error("{context}: reading the response body failed: {source}")]
    Body {
        /// The operation and response.
        context: ResponseContext,
        /// Why reading stopped.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// The API answered with an RFC 7807 problem (v2's errors, v1's network unblock).
    #[error("{context}: {problem}")]
    Problem {
        /// The operation and response, including the start of the body.
        context: ResponseContext,
        /// The problem, typed.
        problem: Box<crate::problem::Problem>,
    },

    /// The API answered with an error status, or with a status the spec does not list for
    /// the operation, and a body that is not a problem document.
    #[error("{context}: unexpected response status{}", excerpt(context))]
    Status {
        /// The operation and response, including the start of the body.
        context: ResponseContext,
    },

    /// The response does not match what the spec says the operation returns.
    #[error("{context}: the response could not be decoded: {reason}")]
    Decode {
        /// The operation and response, including the start of the body.
        context: ResponseContext,
        /// What did not match.
        reason: String,
    },
}

impl Error {
    /// The operation the error came from, where one was called.
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Error::Config(_) => None,
            Error::MissingCredentials { operation, .. }
            | Error::InvalidRequest { operation, .. }
            | Error::Validation { operation, .. }
            | Error::Transport { operation, .. } => Some(operation),
            Error::V1(error) => Some(error.operation),
            Error::SilentAuth(_) => Some("silent_auth_redirect"),
            Error::BodyTooLarge { context, .. }
            | Error::Body { context, .. }
            | Error::Status { context }
            | Error::Problem { context, .. }
            | Error::Decode { context, .. } => Some(context.operation),
        }
    }

    /// The response's details, if a response arrived.
    pub fn response(&self) -> Option<&ResponseContext> {
        match self {
            Error::BodyTooLarge { context, .. }
            | Error::Body { context, .. }
            | Error::Status { context }
            | Error::Problem { context, .. }
            | Error::Decode { context, .. } => Some(context),
            _ => None,
        }
    }

    /// The HTTP status of the response, if a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        self.response().and_then(|context| context.status)
    }

    /// Vonage's `x-vonage-trace-id` for the response, if it sent one.
    pub fn trace_id(&self) -> Option<&str> {
        match self {
            Error::V1(error) => error.trace_id.as_deref(),
            _ => self
                .response()
                .and_then(|context| context.trace_id.as_deref()),
        }
    }

    /// The RFC 7807 problem, if the API answered with one.
    pub fn problem(&self) -> Option<&crate::problem::Problem> {
        match self {
            Error::Problem { problem, .. } => Some(problem),
            _ => None,
        }
    }

    /// The Verify v1 failure, if v1 reported one.
    pub fn v1(&self) -> Option<&crate::v1::V1Error> {
        match self {
            Error::V1(error) => Some(error),
            _ => None,
        }
    }

    /// Whether the client's timeout ran out, before the reply arrived, while its body was
    /// being read, or over a whole silent-auth chain (see
    /// [`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Transport { source, .. } => source.is_timeout(),
            Error::SilentAuth(crate::v2::SilentAuthFailure::TimedOut { .. }) => true,
            Error::Body { source, .. } => {
                let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(source.as_ref());
                while let Some(error) = cause {
                    let timed_out = error
                        .downcast_ref::<reqwest::Error>()
                        .is_some_and(reqwest::Error::is_timeout)
                        || error
                            .downcast_ref::<std::io::Error>()
                            .is_some_and(|e| e.kind() == std::io::ErrorKind::TimedOut);
                    if timed_out {
                        return true;
                    }
                    cause = error.source();
                }
                false
            }
            _ => false,
        }
    }

    /// Whether the same request may succeed if sent again later, as the API reports it (a v1
    /// throttled status, HTTP 429, a timeout, or a connection that could not be made; not a
    /// connection reset after it was made). Whether to send it again is the caller's choice:
    /// even with a [`RetryPolicy`](crate::RetryPolicy), the client resends only reads and
    /// requests that never reached the server, since resending a request that starts a
    /// verification may start a second.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::V1(error) => error.is_retryable(),
            Error::Transport { source, .. } => source.is_timeout() || source.is_connect(),
            _ => self
                .status()
                .is_some_and(|status| status == StatusCode::TOO_MANY_REQUESTS),
        }
    }
}

/// What is known about the response an error came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResponseContext {
    /// The operation that was called (the generated method's name, e.g. `verify_request`).
    pub operation: &'static str,
    /// The request, as its method and path without the query (`POST /v2/verify`), when known.
    pub request: Option<String>,
    /// The HTTP status, when the response got that far.
    pub status: Option<StatusCode>,
    /// Vonage's `x-vonage-trace-id` header, when present.
    pub trace_id: Option<String>,
    /// The first bytes of the body (at most 1 KiB, decoded lossily as UTF-8), when read.
    pub body: Option<String>,
}

impl ResponseContext {
    pub(crate) fn new(operation: &'static str) -> Self {
        Self {
            operation,
            request: None,
            status: None,
            trace_id: None,
            body: None,
        }
    }

    /// With the method and path of the request, if it was sent.
    pub(crate) fn sent(mut self, sent: Option<&crate::transport::Sent>) -> Self {
        self.request = sent.map(|sent| format!("{} {}", sent.method, sent.path));
        self
    }

    /// Keeps the start of `body`, cut at a character boundary, with the secrets in `mask`
    /// replaced by `[redacted]`.
    pub(crate) fn with_body(mut self, body: &[u8], mask: &Mask) -> Self {
        let mut end = body.len().min(BODY_EXCERPT_BYTES);
        // A secret the cut would halve is left out whole: its first half would show.
        while let Some(start) = mask.straddling(body, end) {
            end = start;
        }
        // Back up to the start of a UTF-8 character rather than cut one in half.
        while end > 0 && end < body.len() && body[end] & 0xC0 == 0x80 {
            end -= 1;
        }
        let mut excerpt = mask.apply(String::from_utf8_lossy(&body[..end]).into_owned());
        if end < body.len() {
            excerpt.push('…');
        }
        self.body = Some(excerpt);
        self
    }
}

/// The client's own secrets, in every form a request carries them, for hiding them in the
/// excerpts of bodies errors keep: a proxy or server that echoes the request back would
/// otherwise put them into an error message.
#[derive(Default)]
pub(crate) struct Mask {
    secrets: Vec<zeroize::Zeroizing<String>>,
}

impl Mask {
    /// A mask of `secrets`; empty ones are left out.
    pub(crate) fn new(secrets: impl IntoIterator<Item = zeroize::Zeroizing<String>>) -> Self {
        let mut secrets: Vec<_> = secrets.into_iter().filter(|s| !s.is_empty()).collect();
        // A longer secret may contain a shorter one: replace it first.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Self { secrets }
    }

    /// Where a secret that starts before `end` and ends after it begins, if one does.
    fn straddling(&self, body: &[u8], end: usize) -> Option<usize> {
        if end >= body.len() {
            return None;
        }
        self.secrets.iter().find_map(|secret| {
            let secret = secret.as_bytes();
            let from = end.saturating_sub(secret.len() - 1);
            let to = (end + secret.len() - 1).min(body.len());
            body.get(from..to)?
                .windows(secret.len())
                .position(|window| window == secret)
                .map(|at| from + at)
        })
    }

    fn apply(&self, mut text: String) -> String {
        for secret in &self.secrets {
            if text.contains(secret.as_str()) {
                text = text.replace(secret.as_str(), "[redacted]");
            }
        }
        text
    }

    fn apply_in_place(&self, text: &mut String) {
        if self.secrets.iter().any(|s| text.contains(s.as_str())) {
            *text = self.apply(std::mem::take(text));
        }
    }

    /// `error` with the secrets hidden in every text it took from a response: the body's
    /// excerpt, a problem's fields, a decoder's reason (serde quotes the values it refuses),
    /// a v1 status's text.
    pub(crate) fn error(&self, mut error: Error) -> Error {
        if self.secrets.is_empty() {
            return error;
        }
        let texts: Vec<&mut String> = match &mut error {
            Error::Problem { context, problem } => {
                let problem = &mut **problem;
                let mut texts: Vec<&mut String> = [
                    &mut context.body,
                    &mut problem.type_uri,
                    &mut problem.title,
                    &mut problem.detail,
                    &mut problem.instance,
                    &mut problem.request_id,
                ]
                .into_iter()
                .flatten()
                .collect();
                for parameter in &mut problem.invalid_parameters {
                    texts.extend(
                        [&mut parameter.name, &mut parameter.reason]
                            .into_iter()
                            .flatten(),
                    );
                }
                texts
            }
            Error::Decode { context, reason } => context
                .body
                .iter_mut()
                .chain(std::iter::once(reason))
                .collect(),
            Error::BodyTooLarge { context, .. }
            | Error::Body { context, .. }
            | Error::Status { context } => context.body.iter_mut().collect(),
            Error::V1(v1) => {
                let v1 = &mut **v1;
                [&mut v1.error_text, &mut v1.request_id, &mut v1.network]
                    .into_iter()
                    .flatten()
                    .collect()
            }
            _ => Vec::new(),
        };
        for text in texts {
            self.apply_in_place(text);
        }
        error
    }
}

impl fmt::Display for ResponseContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.operation)?;
        let parts: Vec<String> = [
            self.request.clone(),
            self.status.map(|status| format!("HTTP {status}")),
            self.trace_id
                .as_ref()
                .map(|trace| format!("trace id {trace}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        if parts.is_empty() {
            Ok(())
        } else {
            write!(f, " ({})", parts.join(", "))
        }
    }
}

/// Whether `operation` would send a request (the client's own helpers send nothing).
fn sends(operation: &str) -> bool {
    !matches!(operation, "application_jwt" | "webhook_verifier")
}

/// The start of the body a `Status` error kept, for its message: `: <body>`, on one line.
fn excerpt(context: &ResponseContext) -> String {
    const SHOWN: usize = 200;
    match context.body.as_deref().map(str::trim) {
        None | Some("") => String::new(),
        Some(body) => {
            let line: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
            match line.char_indices().nth(SHOWN) {
                Some((cut, _)) => format!(": {}…", &line[..cut]),
                None => format!(": {line}"),
            }
        }
    }
}

/// What went wrong at the root of a transport error, in words: the kinds a reader acts on
/// differently first, else the innermost cause's own message.
fn transport_cause(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        return "timed out".to_owned();
    }
    let chain: Vec<&(dyn std::error::Error + 'static)> =
        std::iter::successors(Some(error as &(dyn std::error::Error + 'static)), |e| {
            e.source()
        })
        .collect();
    cause_of(&chain)
}

/// Whether `io` carries a rustls error, which reaches here inside an I/O error (inside
/// another, at times) whose `source` skips it.
fn from_rustls(io: &std::io::Error) -> bool {
    let mut inner = io.get_ref();
    while let Some(error) = inner {
        if error.is::<rustls::Error>() {
            return true;
        }
        inner = error
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref);
    }
    false
}

/// See [`transport_cause`]: `chain` is the error and its sources, outermost first.
fn cause_of(chain: &[&(dyn std::error::Error + 'static)]) -> String {
    use std::io::ErrorKind;
    let root = chain.last().map(ToString::to_string).unwrap_or_default();
    for link in chain {
        if let Some(io) = link.downcast_ref::<std::io::Error>() {
            match io.kind() {
                ErrorKind::ConnectionRefused => return "connection refused".to_owned(),
                _ if from_rustls(io) => return format!("TLS handshake failed ({root})"),
                ErrorKind::TimedOut => return "timed out".to_owned(),
                ErrorKind::ConnectionReset
                | ErrorKind::ConnectionAborted
                | ErrorKind::BrokenPipe
                | ErrorKind::UnexpectedEof => {
                    return format!("the connection was closed ({root})");
                }
                _ => {}
            }
        }
        let text = link.to_string();
        if text.starts_with("dns error") || text.contains("failed to lookup address") {
            return format!("DNS lookup failed ({root})");
        }
        if text.contains("connection closed before message completed") {
            return "the connection was closed before a response".to_owned();
        }
    }
    root
}

/// A configuration the client cannot work with, found before any request is sent.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The base URL is not an absolute http(s) URL the client may send credentials to.
    #[error("invalid base URL {url:?}: {reason}")]
    BaseUrl {
        /// The URL as given.
        url: String,
        /// Why it was refused.
        reason: &'static str,
    },

    /// The base URL ends in a path the client adds to every request itself (`/v2/verify`,
    /// `/verify` or `/v2`): give the host, with a gateway's own prefix if there is one.
    #[error(
        "base URL {url:?} ends in {suffix}, which the client adds to each request itself: use {instead:?}"
    )]
    BaseUrlPath {
        /// The URL as given (scheme, host, port and path only).
        url: String,
        /// The API path it ends in.
        suffix: &'static str,
        /// The base URL to give instead.
        instead: String,
    },

    /// The private key is not a usable RSA private key in PEM form.
    #[error("invalid private key: {reason}")]
    PrivateKey {
        /// What is wrong with it (never any part of the key).
        reason: String,
    },

    /// The private key file could not be read.
    #[error("cannot read the private key file {path:?}: {source}")]
    PrivateKeyFile {
        /// The path as given.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },

    /// An environment variable is set inconsistently with the others, or is malformed.
    #[error("environment variable {name}: {reason}")]
    Env {
        /// The variable's name.
        name: &'static str,
        /// What is wrong (never the value).
        reason: &'static str,
    },

    /// A setting has a value the client cannot use.
    #[error("invalid setting {setting}: {reason}")]
    Invalid {
        /// The setting's name, as on [`ClientBuilder`](crate::ClientBuilder).
        setting: &'static str,
        /// Why it was refused.
        reason: &'static str,
    },

    /// Two settings contradict each other, or a setting needs credentials that are missing.
    #[error("conflicting settings: {0}")]
    Conflict(&'static str),

    /// reqwest could not build its client (for example, no TLS backend).
    #[error("cannot build the HTTP client: {0}")]
    HttpClient(#[source] reqwest::Error),
}

#[cfg(test)]
mod tests {
    use zeroize::Zeroizing;

    /// An error with a message and an optional source, for building cause chains.
    #[derive(Debug)]
    struct Link(
        &'static str,
        Option<Box<dyn std::error::Error + Send + Sync>>,
    );

    impl std::fmt::Display for Link {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Link {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1
                .as_deref()
                .map(|e| e as &(dyn std::error::Error + 'static))
        }
    }

    fn cause(error: &(dyn std::error::Error + 'static)) -> String {
        let chain: Vec<&(dyn std::error::Error + 'static)> =
            std::iter::successors(Some(error), |e| e.source()).collect();
        super::cause_of(&chain)
    }

    /// The root causes a reader acts on differently are named, whatever wraps them.
    #[test]
    fn transport_causes_are_named_from_the_root() {
        use std::io::{Error as Io, ErrorKind};
        let wrapped = |inner: Box<dyn std::error::Error + Send + Sync>| {
            Link(
                "error sending request",
                Some(Box::new(Link("client error (Connect)", Some(inner)))),
            )
        };
        let dns = wrapped(Box::new(Link(
            "dns error",
            Some(Box::new(Io::other(
                "failed to lookup address information: Name or service not known",
            ))),
        )));
        assert_eq!(
            cause(&dns),
            "DNS lookup failed (failed to lookup address information: Name or service not known)"
        );
        let refused = wrapped(Box::new(Io::from(ErrorKind::ConnectionRefused)));
        assert_eq!(cause(&refused), "connection refused");
        let tls = wrapped(Box::new(Io::other(rustls::Error::InvalidCertificate(
            rustls::CertificateError::UnknownIssuer,
        ))));
        assert_eq!(
            cause(&tls),
            "TLS handshake failed (invalid peer certificate: UnknownIssuer)"
        );
        let reset = wrapped(Box::new(Io::from(ErrorKind::ConnectionReset)));
        assert!(cause(&reset).starts_with("the connection was closed ("));
        let other = wrapped(Box::new(Link("something new", None)));
        assert_eq!(cause(&other), "something new");
    }

    use super::{BODY_EXCERPT_BYTES, Mask, ResponseContext};

    fn excerpt(body: &[u8], secrets: &[&str]) -> String {
        let mask = Mask::new(secrets.iter().map(|s| Zeroizing::new((*s).to_owned())));
        let context = ResponseContext::new("op").with_body(body, &mask);
        context.body.unwrap()
    }

    #[test]
    fn secrets_are_masked_wherever_they_stand() {
        assert_eq!(
            excerpt(b"key=abcd&secret=s3cr3t!&s3cr3t!", &["s3cr3t!"]),
            "key=abcd&secret=[redacted]&[redacted]"
        );
        // The longer of two overlapping secrets goes first.
        assert_eq!(excerpt(b"abcdef", &["cd", "abcdef"]), "[redacted]");
        assert_eq!(excerpt(b"nothing here", &[]), "nothing here");
    }

    /// A secret the 1 KiB cut would halve is cut before, not shown in part.
    #[test]
    fn a_secret_across_the_cut_is_left_out_whole() {
        let secret = "0123456789-secret";
        for offset in 1..secret.len() {
            let mut body = "x".repeat(BODY_EXCERPT_BYTES - offset);
            body.push_str(secret);
            body.push_str(&"y".repeat(100));
            let shown = excerpt(body.as_bytes(), &[secret]);
            assert!(shown.ends_with('…'), "{offset}");
            assert!(!shown.contains("0123"), "{offset}: {shown}");
            assert_eq!(
                shown.trim_end_matches('…').len(),
                BODY_EXCERPT_BYTES - offset,
                "{offset}"
            );
        }
        // A secret that ends right at the cut is whole, so it is replaced.
        let mut body = "x".repeat(BODY_EXCERPT_BYTES - secret.len());
        body.push_str(secret);
        body.push('y');
        assert!(excerpt(body.as_bytes(), &[secret]).ends_with("[redacted]…"));
    }
}
