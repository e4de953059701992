//! The verification state machine both APIs of the mock share: codes, attempts, expiry,
//! cancellation and steps, measured against the mock's clock.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

/// How many wrong codes a verification takes before it fails (both APIs).
pub(crate) const MAX_WRONG_CODES: u8 = 3;
/// v1 refuses a cancel in a verification's first 30 seconds.
pub(crate) const CANCEL_AFTER: Duration = Duration::from_secs(30);

/// Where a verification stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    InProgress,
    Completed,
    Failed,
    Expired,
    Cancelled,
}

/// One attempt at a code.
#[derive(Debug, Clone)]
pub(crate) struct Attempt {
    pub(crate) at: SystemTime,
    pub(crate) code: String,
    pub(crate) valid: bool,
}

/// One verification, from either API.
#[derive(Debug, Clone)]
pub(crate) struct Verification {
    pub(crate) id: String,
    pub(crate) to: String,
    pub(crate) brand: String,
    pub(crate) code: String,
    /// The channel of each step, in order.
    pub(crate) steps: Vec<String>,
    pub(crate) step: usize,
    pub(crate) started: SystemTime,
    /// When each step reached so far began.
    pub(crate) initiated: Vec<SystemTime>,
    /// Seconds each step lasts (v2's `channel_timeout`; v1's `pin_expiry`).
    pub(crate) channel_timeout: u64,
    /// A silent-auth step's `redirect_url`.
    pub(crate) redirect_url: Option<String>,
    /// Whether the device has followed the silent-auth check URL, which hands it the code.
    pub(crate) silent_code_issued: bool,
    /// When the whole verification lapses.
    pub(crate) expires: SystemTime,
    pub(crate) finished: Option<SystemTime>,
    pub(crate) stage: Stage,
    pub(crate) attempts: Vec<Attempt>,
    pub(crate) client_ref: Option<String>,
}

impl Verification {
    fn wrong_codes(&self) -> u8 {
        u8::try_from(self.attempts.iter().filter(|a| !a.valid).count()).unwrap_or(u8::MAX)
    }
}

/// What a check did.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Checked {
    Verified,
    Wrong,
    TooManyWrong,
    /// Unknown, finished or expired.
    NotFound,
}

/// What cancel and next-step did.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Moved {
    Done,
    NotFound,
    TooEarly,
    NoMoreSteps,
}

/// Something that happened to a verification, for the webhooks to tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Notice {
    Started(String),
    /// Completed, failed, expired or cancelled.
    Finished(String),
}

/// Every verification the mock has started.
#[derive(Debug, Default)]
pub(crate) struct Verifications {
    by_id: HashMap<String, Verification>,
    /// Start order, for the inbox.
    order: Vec<String>,
    /// What happened since the last [`Verifications::take_notices`].
    notices: Vec<Notice>,
}

impl Verifications {
    /// Lapses what has expired by `now`.
    fn tick(&mut self, now: SystemTime) {
        // In start order, so that lapses are told in a stable order.
        for id in &self.order {
            let Some(verification) = self.by_id.get_mut(id) else {
                continue;
            };
            if verification.stage == Stage::InProgress && now >= verification.expires {
                verification.stage = Stage::Expired;
                verification.finished = Some(verification.expires);
                self.notices.push(Notice::Finished(verification.id.clone()));
            }
        }
    }

    /// The verification in progress to `to`, if any: a second one is refused.
    pub(crate) fn in_progress_to(&mut self, to: &str, now: SystemTime) -> Option<&Verification> {
        self.tick(now);
        self.by_id
            .values()
            .find(|v| v.to == to && v.stage == Stage::InProgress)
    }

    pub(crate) fn insert(&mut self, verification: Verification) {
        self.notices.push(Notice::Started(verification.id.clone()));
        self.order.push(verification.id.clone());
        self.by_id.insert(verification.id.clone(), verification);
    }

    /// What happened since the last call, oldest first, with lapses up to `now` included.
    pub(crate) fn take_notices(&mut self, now: SystemTime) -> Vec<Notice> {
        self.tick(now);
        std::mem::take(&mut self.notices)
    }

    pub(crate) fn get(&mut self, id: &str, now: SystemTime) -> Option<&Verification> {
        self.tick(now);
        self.by_id.get(id)
    }

    pub(crate) fn get_mut(&mut self, id: &str, now: SystemTime) -> Option<&mut Verification> {
        self.tick(now);
        self.by_id.get_mut(id)
    }

    /// In start order.
    pub(crate) fn all(&mut self, now: SystemTime) -> Vec<Verification> {
        self.tick(now);
        self.order
            .iter()
            .filter_map(|id| self.by_id.get(id).cloned())
            .collect()
    }

    pub(crate) fn check(&mut self, id: &str, code: &str, now: SystemTime) -> Checked {
        self.tick(now);
        let Some(verification) = self.by_id.get_mut(id) else {
            return Checked::NotFound;
        };
        if verification.stage != Stage::InProgress {
            return Checked::NotFound;
        }
        let valid = verification.code == code;
        verification.attempts.push(Attempt {
            at: now,
            code: code.to_owned(),
            valid,
        });
        if valid {
            verification.stage = Stage::Completed;
            verification.finished = Some(now);
            self.notices.push(Notice::Finished(id.to_owned()));
            Checked::Verified
        } else if verification.wrong_codes() >= MAX_WRONG_CODES {
            verification.stage = Stage::Failed;
            verification.finished = Some(now);
            self.notices.push(Notice::Finished(id.to_owned()));
            Checked::TooManyWrong
        } else {
            Checked::Wrong
        }
    }

    pub(crate) fn cancel(&mut self, id: &str, now: SystemTime, window: bool) -> Moved {
        self.tick(now);
        let Some(verification) = self.by_id.get_mut(id) else {
            return Moved::NotFound;
        };
        if verification.stage != Stage::InProgress {
            return Moved::NotFound;
        }
        if window
            && now
                .duration_since(verification.started)
                .is_ok_and(|age| age < CANCEL_AFTER)
        {
            return Moved::TooEarly;
        }
        verification.stage = Stage::Cancelled;
        verification.finished = Some(now);
        self.notices.push(Notice::Finished(id.to_owned()));
        Moved::Done
    }

    pub(crate) fn next_step(&mut self, id: &str, now: SystemTime) -> Moved {
        self.tick(now);
        let Some(verification) = self.by_id.get_mut(id) else {
            return Moved::NotFound;
        };
        if verification.stage != Stage::InProgress {
            return Moved::NotFound;
        }
        if verification.step + 1 >= verification.steps.len() {
            return Moved::NoMoreSteps;
        }
        verification.step += 1;
        verification.initiated.push(now);
        Moved::Done
    }
}

/// `length` random digits.
pub(crate) fn digits(length: usize) -> String {
    let random = uuid::Uuid::new_v4().as_u128();
    let mut value = random;
    (0..length)
        .map(|_| {
            let digit = char::from(b'0' + u8::try_from(value % 10).unwrap_or(0));
            value /= 10;
            digit
        })
        .collect()
}
