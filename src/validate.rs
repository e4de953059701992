//! Checks of request values against the constraints the specs state, made before sending so
//! that a bad value is a typed error naming its field. Each check is exactly the spec's rule:
//! SDKs that were stricter than the API had to roll their checks back.

use std::ops::RangeInclusive;

use crate::error::Error;

/// The checks for one operation's request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rules {
    pub(crate) operation: &'static str,
}

impl Rules {
    pub(crate) fn fail(self, field: &'static str, reason: impl Into<String>) -> Error {
        Error::Validation {
            operation: self.operation,
            field,
            reason: reason.into(),
        }
    }

    /// At most `max` characters (Unicode scalar values, as JSON Schema counts them).
    pub(crate) fn max_chars(
        self,
        field: &'static str,
        value: &str,
        max: usize,
    ) -> Result<(), Error> {
        self.chars(field, value, 0..=max)
    }

    /// Between the range's bounds in characters.
    pub(crate) fn chars(
        self,
        field: &'static str,
        value: &str,
        allowed: RangeInclusive<usize>,
    ) -> Result<(), Error> {
        let count = value.chars().count();
        if allowed.contains(&count) {
            return Ok(());
        }
        let (min, max) = (allowed.start(), allowed.end());
        Err(self.fail(
            field,
            if *min == 0 {
                format!("has {count} characters; at most {max} are allowed")
            } else {
                format!("has {count} characters; {min} to {max} are allowed")
            },
        ))
    }

    /// Within an inclusive range.
    pub(crate) fn range(
        self,
        field: &'static str,
        value: i64,
        allowed: RangeInclusive<i64>,
    ) -> Result<(), Error> {
        if allowed.contains(&value) {
            Ok(())
        } else {
            Err(self.fail(
                field,
                format!(
                    "is {value}; it must be {} to {}",
                    allowed.start(),
                    allowed.end()
                ),
            ))
        }
    }

    /// One of a set of values.
    pub(crate) fn one_of(
        self,
        field: &'static str,
        value: i64,
        allowed: &[i64],
    ) -> Result<(), Error> {
        if allowed.contains(&value) {
            Ok(())
        } else {
            Err(self.fail(field, format!("is {value}; it must be one of {allowed:?}")))
        }
    }

    /// Between the range's bounds in items.
    pub(crate) fn items(
        self,
        field: &'static str,
        count: usize,
        allowed: RangeInclusive<usize>,
    ) -> Result<(), Error> {
        if allowed.contains(&count) {
            Ok(())
        } else {
            Err(self.fail(
                field,
                format!(
                    "has {count} items; {} to {} are allowed",
                    allowed.start(),
                    allowed.end()
                ),
            ))
        }
    }
}
