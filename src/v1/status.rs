//! Verify v1's result codes, and the error that carries a failed one.

use std::fmt;

macro_rules! statuses {
    ($($(#[$doc:meta])* $variant:ident = $code:literal, $meaning:literal;)*) => {
        /// A Verify v1 result code (the `status` of request, check, control and search errors).
        ///
        /// Codes Vonage adds later decode as [`Status::Unknown`] with the code as sent.
        ///
        /// ```
        /// use vonage_verify::v1::Status;
        ///
        /// assert_eq!(Status::from_code("16"), Status::WrongCode);
        /// assert_eq!(Status::from_code("42"), Status::Unknown("42".into()));
        /// assert_eq!(Status::ConcurrentVerifications.code(), "10");
        /// ```
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Status {
            $($(#[$doc])* $variant,)*
            /// A code this version of the crate does not know, as sent.
            Unknown(String),
        }

        impl Status {
            /// The status for a code as the API sends it (`"0"`, `"16"`, `"101"`...).
            pub fn from_code(code: &str) -> Self {
                match code.trim() {
                    $($code => Status::$variant,)*
                    other => Status::Unknown(other.to_owned()),
                }
            }

            /// The code as the API sends it.
            pub fn code(&self) -> &str {
                match self {
                    $(Status::$variant => $code,)*
                    Status::Unknown(code) => code,
                }
            }

            /// What the code means, in a few words.
            pub fn meaning(&self) -> &'static str {
                match self {
                    $(Status::$variant => $meaning,)*
                    Status::Unknown(_) => "a status this client does not know",
                }
            }
        }
    };
}

statuses! {
    /// The request was accepted.
    Success = "0", "success";
    /// Too many requests per second; the only status worth retrying unchanged.
    Throttled = "1", "throttled";
    /// A required parameter is missing.
    MissingParameter = "2", "missing parameter";
    /// A parameter has an invalid value.
    InvalidParameter = "3", "invalid parameter";
    /// The API key or secret was rejected.
    InvalidCredentials = "4", "invalid credentials";
    /// Vonage had an internal error.
    InternalError = "5", "internal error";
    /// Vonage could not process the request (unroutable number, or no such active request).
    NotProcessed = "6", "could not be processed";
    /// The number is on the block list.
    NumberBlocked = "7", "number blocked";
    /// The account is barred.
    AccountBarred = "8", "account barred";
    /// The account is out of credit.
    QuotaExceeded = "9", "quota exceeded";
    /// A verification to this number is already in progress; `request_id` names it.
    ConcurrentVerifications = "10", "a verification to this number is in progress";
    /// The destination's network is not supported.
    UnsupportedNetwork = "15", "unsupported network";
    /// The code does not match.
    WrongCode = "16", "wrong code";
    /// Too many wrong codes: the verification has ended.
    TooManyWrongCodes = "17", "too many wrong codes";
    /// Too many request ids in one search.
    TooManyRequestIds = "18", "too many request ids";
    /// The control command cannot be carried out now.
    CommandNotPossible = "19", "command not possible now";
    /// `pin_code` is not enabled for the account.
    PinCodeNotEnabled = "20", "custom pin codes not enabled";
    /// A demo account may only send to its approved numbers.
    DemoAccountDestination = "29", "destination not approved for a demo account";
    /// No such verification (or it finished under a minute ago).
    NotFound = "101", "no such verification";
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.code(), self.meaning())
    }
}

/// A failure Verify v1 reported in its reply: the status with everything the reply said.
///
/// ```
/// # async fn run(client: vonage_verify::Client) {
/// use vonage_verify::v1::{Status, VerifyRequest};
///
/// match client.v1().request(&VerifyRequest::new("447700900000", "Acme")).await {
///     Ok(started) => println!("started {}", started.request_id),
///     Err(e) if e.v1().is_some_and(|e| e.status == Status::ConcurrentVerifications) => {
///         // Carry on with the verification already running.
///         println!("already running: {:?}", e.v1().and_then(|e| e.request_id.clone()));
///     }
///     Err(e) if e.is_retryable() => println!("throttled, try again later"),
///     Err(e) => println!("failed: {e}"),
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct V1Error {
    /// The operation that was called.
    pub operation: &'static str,
    /// The status the API returned.
    pub status: Status,
    /// The API's explanation.
    pub error_text: Option<String>,
    /// The verification concerned, when the reply names one (status 10 names the running one).
    pub request_id: Option<String>,
    /// The network that blocked the request, when that is the cause.
    pub network: Option<String>,
    /// Vonage's `x-vonage-trace-id`, when sent.
    pub trace_id: Option<String>,
}

impl V1Error {
    /// Whether sending the same request later may succeed: only for [`Status::Throttled`].
    pub fn is_retryable(&self) -> bool {
        self.status == Status::Throttled
    }
}

impl fmt::Display for V1Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: Verify v1 status {}", self.operation, self.status)?;
        if let Some(text) = &self.error_text {
            write!(f, ": {text}")?;
        }
        if let Some(trace) = &self.trace_id {
            write!(f, " (trace id {trace})")?;
        }
        Ok(())
    }
}

impl std::error::Error for V1Error {}
