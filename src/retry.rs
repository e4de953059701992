//! Sending a failed request again, for the requests where that is safe.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::StatusCode;
use reqwest::header::{HeaderValue, RETRY_AFTER};

/// When the client sends a failed request again. Off unless set with
/// [`ClientBuilder::retry`](crate::ClientBuilder::retry).
///
/// Only two kinds of request are ever sent twice:
/// - **reads** (`GET`: v1 search, templates and fragments, in the typed API and the raw
///   clients alike), after a connection error, a timeout, or a `429`, `500`, `502`, `503` or
///   `504` answer. Not the silent-auth check URL: a carrier may honour it only once;
/// - **any request that never reached the server**: the connection could not be made, so no
///   byte of it was sent.
///
/// Everything else that fails is returned at once. A start, check, cancel, PSD2 payment or
/// any other request that changes state may have been acted on even when its answer is lost,
/// and sending it again could text the user twice or burn an attempt.
///
/// Waits grow exponentially from [`initial_backoff`](Self::initial_backoff), each capped at
/// [`max_backoff`](Self::max_backoff), with full jitter: the wait is uniform between zero
/// and that bound, so that many clients do not retry in step. A `Retry-After` on a `429` or
/// `503` (seconds, or an HTTP date read against the client's [`Clock`](crate::Clock)) is
/// waited exactly. If it asks for longer than `max_backoff`, the answer is returned instead
/// of holding the caller.
///
/// A failure while the body is read (it was cut off, timed out or is over the limit) comes
/// after the answer was taken as final, so it is returned, not retried. Each try has the
/// whole [`ClientBuilder::timeout`](crate::ClientBuilder::timeout) to itself: a read may take
/// up to `max_retries + 1` timeouts plus the waits before its error is returned.
///
/// ```
/// use std::time::Duration;
/// use vonage_verify::{ApiKey, Client, RetryPolicy};
///
/// let client = Client::builder()
///     .api_key(ApiKey::new("key", "secret"))
///     .retry(
///         RetryPolicy::new()
///             .max_retries(3)
///             .initial_backoff(Duration::from_millis(100))
///             .max_backoff(Duration::from_secs(2)),
///     )
///     .build()?;
/// # Ok::<(), vonage_verify::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::new()
    }
}

impl RetryPolicy {
    /// Two retries, waits from 200 ms, each at most 5 s, with jitter.
    pub fn new() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            jitter: true,
        }
    }

    /// How many times a request may be sent again after the first try.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The bound of the first wait; each later one doubles it.
    pub fn initial_backoff(mut self, wait: Duration) -> Self {
        self.initial_backoff = wait;
        self
    }

    /// The longest single wait, and the longest `Retry-After` that is honoured.
    pub fn max_backoff(mut self, wait: Duration) -> Self {
        self.max_backoff = wait;
        self
    }

    /// Waits the whole bound each time instead of a random part of it. Meant for tests;
    /// in production, jitter keeps clients from retrying in step.
    pub fn without_jitter(mut self) -> Self {
        self.jitter = false;
        self
    }

    /// The bound of the wait before retry number `retry` (counted from 0).
    fn bound(&self, retry: u32) -> Duration {
        let doubled = self
            .initial_backoff
            .checked_mul(1u32.checked_shl(retry).unwrap_or(u32::MAX))
            .unwrap_or(Duration::MAX);
        doubled.min(self.max_backoff)
    }

    fn backoff(&self, retry: u32) -> Duration {
        let bound = self.bound(retry);
        if self.jitter {
            part_of(bound, random_u32())
        } else {
            bound
        }
    }

    /// How long to wait before sending again, or `None` to hand `attempt` to the caller.
    /// `safe` says whether the request only reads (see [`Operation::safe`]); `retry` counts
    /// the retries already made.
    ///
    /// [`Operation::safe`]: crate::spec::Operation::safe
    pub(crate) fn decide(
        &self,
        safe: bool,
        retry: u32,
        attempt: Attempt<'_>,
        now: SystemTime,
    ) -> Option<Duration> {
        if retry >= self.max_retries {
            return None;
        }
        match attempt {
            // Connecting failed: nothing was sent, whatever the method.
            Attempt::Failed(error) if error.is_connect() => Some(self.backoff(retry)),
            Attempt::Failed(error) if safe && (error.is_timeout() || error.is_request()) => {
                Some(self.backoff(retry))
            }
            Attempt::Failed(_) => None,
            Attempt::Answered(..) if !safe => None,
            Attempt::Answered(
                StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE,
                Some(after),
            ) => {
                match retry_after(after, now) {
                    Some(wait) if wait <= self.max_backoff => Some(wait),
                    Some(_) => None,
                    // An unreadable Retry-After is ignored, as if absent.
                    None => Some(self.backoff(retry)),
                }
            }
            Attempt::Answered(
                StatusCode::TOO_MANY_REQUESTS
                | StatusCode::INTERNAL_SERVER_ERROR
                | StatusCode::BAD_GATEWAY
                | StatusCode::SERVICE_UNAVAILABLE
                | StatusCode::GATEWAY_TIMEOUT,
                _,
            ) => Some(self.backoff(retry)),
            Attempt::Answered(..) => None,
        }
    }
}

/// What one try of a request came to.
pub(crate) enum Attempt<'a> {
    Answered(StatusCode, Option<&'a HeaderValue>),
    Failed(&'a reqwest::Error),
}

impl<'a> Attempt<'a> {
    pub(crate) fn of(result: &'a reqwest::Result<reqwest::Response>) -> Self {
        match result {
            Ok(response) => {
                Attempt::Answered(response.status(), response.headers().get(RETRY_AFTER))
            }
            Err(error) => Attempt::Failed(error),
        }
    }
}

/// The wait a `Retry-After` value asks for: delay-seconds, or an HTTP date (a date already
/// past asks for none).
pub(crate) fn retry_after(value: &HeaderValue, now: SystemTime) -> Option<Duration> {
    let text = value.to_str().ok()?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    // In whole seconds since the epoch, not as a `SystemTime`: chrono reads years SystemTime
    // cannot hold on every platform, and converting one would panic.
    let at = chrono::DateTime::parse_from_rfc2822(text).ok()?.timestamp();
    // A date before 1970 is as past as any other.
    let at = Duration::from_secs(u64::try_from(at).unwrap_or(0));
    let since_epoch = now.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
    Some(at.saturating_sub(since_epoch))
}

/// `bound` times `numerator / u32::MAX`, in integer nanoseconds so that no bound overflows.
fn part_of(bound: Duration, numerator: u32) -> Duration {
    let nanos = bound.as_nanos() * u128::from(numerator) / u128::from(u32::MAX);
    // At most `bound`'s own nanoseconds, so the seconds fit.
    let seconds = u64::try_from(nanos / 1_000_000_000).unwrap_or(u64::MAX);
    let below = u32::try_from(nanos % 1_000_000_000).unwrap_or(0);
    Duration::new(seconds, below)
}

/// A uniform `u32` from the system's random source; `u32::MAX` (no jitter) if it fails.
fn random_u32() -> u32 {
    let mut bytes = [0u8; 4];
    match aws_lc_rs::rand::fill(&mut bytes) {
        Ok(()) => u32::from_le_bytes(bytes),
        Err(_) => u32::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy::new()
            .max_retries(3)
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(350))
            .without_jitter()
    }

    const NOW: SystemTime = SystemTime::UNIX_EPOCH;

    fn answered(
        policy: &RetryPolicy,
        read: bool,
        retry: u32,
        status: u16,
        after: Option<&str>,
    ) -> Option<Duration> {
        let after = after.map(HeaderValue::from_str).transpose().unwrap();
        let status = StatusCode::from_u16(status).unwrap();
        policy.decide(read, retry, Attempt::Answered(status, after.as_ref()), NOW)
    }

    #[test]
    fn waits_double_up_to_the_cap_and_stop_after_the_last_retry() {
        let p = policy();
        let waits: Vec<_> = (0..4).map(|r| answered(&p, true, r, 503, None)).collect();
        let ms = |m| Some(Duration::from_millis(m));
        assert_eq!(waits, [ms(100), ms(200), ms(350), None]);
        assert_eq!(
            p.bound(40),
            Duration::from_millis(350),
            "no overflow on a long run"
        );
    }

    #[test]
    fn jitter_stays_within_the_bound_and_varies() {
        let p = RetryPolicy::new().initial_backoff(Duration::from_millis(100));
        let waits: Vec<_> = (0..100).map(|_| p.backoff(0)).collect();
        assert!(waits.iter().all(|w| *w <= Duration::from_millis(100)));
        assert!(waits.iter().any(|w| *w != waits[0]), "{waits:?}");
    }

    #[test]
    fn jitter_cannot_overflow() {
        assert_eq!(part_of(Duration::MAX, u32::MAX), Duration::MAX);
        assert!(part_of(Duration::MAX, u32::MAX / 2) < Duration::MAX);
        assert_eq!(part_of(Duration::from_secs(10), 0), Duration::ZERO);
        let p = RetryPolicy::new()
            .initial_backoff(Duration::MAX)
            .max_backoff(Duration::MAX);
        assert!(p.backoff(30) <= Duration::MAX);
    }

    #[test]
    fn only_reads_are_retried_after_an_answer() {
        let p = policy();
        for status in [429, 500, 502, 503, 504] {
            assert!(answered(&p, true, 0, status, None).is_some(), "{status}");
            assert_eq!(answered(&p, false, 0, status, None), None, "{status}");
        }
        for status in [200, 202, 400, 401, 404, 409, 422] {
            assert_eq!(answered(&p, true, 0, status, None), None, "{status}");
        }
    }

    #[test]
    fn retry_after_is_waited_exactly_unless_it_is_longer_than_the_cap() {
        let p = policy();
        assert_eq!(answered(&p, true, 0, 429, Some("0")), Some(Duration::ZERO));
        assert_eq!(answered(&p, true, 2, 503, Some("0")), Some(Duration::ZERO));
        assert_eq!(
            answered(&p, true, 0, 429, Some("1")),
            None,
            "1 s > the 350 ms cap"
        );
        // HTTP dates, read against the clock: one in the past asks for no wait.
        assert_eq!(
            answered(&p, true, 0, 503, Some("Thu, 01 Jan 1970 00:00:00 GMT")),
            Some(Duration::ZERO)
        );
        assert_eq!(
            answered(&p, true, 0, 503, Some("Thu, 01 Jan 1970 00:01:00 GMT")),
            None
        );
        // Unreadable: the usual backoff.
        assert_eq!(
            answered(&p, true, 0, 429, Some("soon")),
            Some(Duration::from_millis(100))
        );
        // Dates far outside what `SystemTime` holds on some platforms read without panicking.
        assert_eq!(
            answered(&p, true, 0, 503, Some("1 Jan 0001 00:00:00 GMT")),
            Some(Duration::ZERO)
        );
        assert_eq!(
            answered(&p, true, 0, 503, Some("31 Dec 99999 23:59:59 GMT")),
            None
        );
        // Retry-After on a status that is not retried changes nothing.
        assert_eq!(answered(&p, true, 0, 400, Some("0")), None);
    }
}
