//! Lifting a fraud-protection block on a mobile network: the request and the reply, which v1
//! and v2 share (each API turns them into its own generated types).

use crate::error::Error;
use crate::validate::Rules;

/// Lifts a fraud block on a mobile network for a while: v1's and v2's `network_unblock`.
///
/// ```
/// let unblock = vonage_verify::v2::NetworkUnblock::new("23410").unblock_duration(3600);
/// # let _ = unblock;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkUnblock {
    pub(crate) network: String,
    pub(crate) unblock_duration: Option<u32>,
}

impl NetworkUnblock {
    /// Unblocks `network` (its MCC/MNC code, e.g. `23410`).
    pub fn new(network: impl Into<String>) -> Self {
        Self {
            network: network.into(),
            unblock_duration: None,
        }
    }

    /// How long, in seconds: 0 to 86400 (the API's default is 3600). The network stays
    /// unblocked for that long even if a new block is raised meanwhile.
    pub fn unblock_duration(mut self, seconds: u32) -> Self {
        self.unblock_duration = Some(seconds);
        self
    }

    /// The spec's limit on the duration, which the generated types do not check.
    pub(crate) fn check(&self, operation: &'static str) -> Result<(), Error> {
        match self.unblock_duration {
            Some(seconds) => {
                Rules { operation }.range("unblock_duration", seconds.into(), 0..=86_400)
            }
            None => Ok(()),
        }
    }
}

/// A lifted network block.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Unblocked {
    /// The network.
    pub network: Option<String>,
    /// When the block comes back, as sent (an RFC 3339 date and time).
    pub unblocked_until: Option<String>,
}

impl Unblocked {
    /// From the reply's fields; an empty (or blank) string is no value.
    pub(crate) fn new(network: Option<String>, unblocked_until: Option<String>) -> Self {
        let given = |value: Option<String>| value.filter(|v| !v.trim().is_empty());
        Self {
            network: given(network),
            unblocked_until: given(unblocked_until),
        }
    }
}
