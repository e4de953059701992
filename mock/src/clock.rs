//! A clock a test moves by hand.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use vonage_verify::Clock;

/// A [`Clock`] that stands still until the test moves it: give the same one to the mock
/// ([`MockServerBuilder::clock`](super::MockServerBuilder::clock)) and to the client, and
/// expiry, steps moving on, JWT lifetimes and webhook timestamps follow it.
///
/// ```
/// use std::sync::Arc;
/// use std::time::{Duration, SystemTime};
/// use vonage_verify::Clock;
/// use vonage_verify_mock::ManualClock;
///
/// let clock = Arc::new(ManualClock::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_790_000_000)));
/// clock.advance(Duration::from_secs(301));
/// assert_eq!(clock.now(), SystemTime::UNIX_EPOCH + Duration::from_secs(1_790_000_301));
/// ```
#[derive(Debug)]
pub struct ManualClock(Mutex<SystemTime>);

impl ManualClock {
    /// A clock that reads `start`.
    pub fn new(start: SystemTime) -> Self {
        Self(Mutex::new(start))
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) += by;
    }

    /// Sets the time.
    pub fn set(&self, time: SystemTime) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = time;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Whole seconds since the Unix epoch, as JWT claims count them; a clock set before 1970 reads
/// as the epoch itself.
pub(crate) fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// The last second the mock's dates can be written in (9999-12-31T23:59:59Z): a clock set
/// past it could not be shown, in replies or callbacks.
const LATEST: u64 = 253_402_300_799;

/// Whether `time` is one the mock can write (between 1970 and the end of 9999).
pub(crate) fn in_range(time: SystemTime) -> bool {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .is_ok_and(|elapsed| elapsed.as_secs() <= LATEST)
}
