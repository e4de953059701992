//! Where the crate reads the time: JWT lifetimes and, later, webhook token ages depend on it.

use std::fmt;
use std::time::SystemTime;

/// A source of the current time.
///
/// The client reads the time only through this trait, so tests (yours and ours) can move time
/// forward without sleeping. [`SystemClock`] is the default.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use std::time::{Duration, SystemTime};
/// use vonage_verify::Clock;
///
/// /// A clock that only moves when told to.
/// #[derive(Debug)]
/// struct Manual(Mutex<SystemTime>);
///
/// impl Clock for Manual {
///     fn now(&self) -> SystemTime {
///         *self.0.lock().unwrap()
///     }
/// }
///
/// let clock = Arc::new(Manual(Mutex::new(SystemTime::UNIX_EPOCH)));
/// *clock.0.lock().unwrap() += Duration::from_secs(60);
/// assert_eq!(clock.now(), SystemTime::UNIX_EPOCH + Duration::from_secs(60));
/// ```
pub trait Clock: Send + Sync + fmt::Debug + 'static {
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// The operating system's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// Whole seconds since the Unix epoch; a clock set before 1970 reads as the epoch itself.
pub(crate) fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}
