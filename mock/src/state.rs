//! The verification state machine both APIs of the mock share: codes, attempts, steps that
//! move on, expiry and cancellation, measured against the mock's clock.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

/// How many wrong codes a verification takes before it fails (both APIs).
pub(crate) const MAX_WRONG_CODES: u8 = 3;
/// A silent-auth code gets one try (v2 spec, check operation).
pub(crate) const MAX_WRONG_SILENT_AUTH: u8 = 1;
/// v1 refuses a cancel in a verification's first 30 seconds.
pub(crate) const CANCEL_AFTER: Duration = Duration::from_secs(30);

/// Which API started a verification: each sees only its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Api {
    V1,
    V2,
}

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
    pub(crate) api: Api,
    pub(crate) to: String,
    pub(crate) brand: String,
    pub(crate) code: String,
    /// The channel of each step, in order.
    pub(crate) steps: Vec<String>,
    pub(crate) step: usize,
    pub(crate) started: SystemTime,
    /// When each step reached so far began.
    pub(crate) initiated: Vec<SystemTime>,
    /// Seconds each step lasts before the next one starts (v2's `channel_timeout`, v1's
    /// `next_event_wait`).
    pub(crate) channel_timeout: u64,
    /// A silent-auth step's `redirect_url`.
    pub(crate) redirect_url: Option<String>,
    /// Whether the device has followed the silent-auth check URL, which hands it the code.
    pub(crate) silent_code_issued: bool,
    /// How the carrier answers the silent-auth check for this number.
    pub(crate) carrier: Carrier,
    /// Steps that ended before the verification did, by index, with how they ended.
    pub(crate) ended_steps: Vec<(usize, &'static str)>,
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

    pub(crate) fn channel(&self) -> &str {
        self.steps.get(self.step).map_or("", String::as_str)
    }

    /// Moves to the steps whose time has come by `now`, then lapses the whole if its time
    /// has come too. Returns whether it lapsed.
    fn tick(&mut self, now: SystemTime) -> bool {
        if self.stage != Stage::InProgress {
            return false;
        }
        let every = Duration::from_secs(self.channel_timeout.max(1));
        while self.step + 1 < self.steps.len() {
            let next = self.initiated.last().copied().unwrap_or(self.started) + every;
            if next > now || next >= self.expires {
                break;
            }
            self.step += 1;
            self.initiated.push(next);
        }
        if now >= self.expires {
            self.stage = Stage::Expired;
            self.finished = Some(self.expires);
            return true;
        }
        false
    }
}

/// Something that happened to a verification, for the webhooks to tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Notice {
    Started(String),
    /// A step ended without ending the verification (its index).
    StepEnded(String, usize),
    /// Completed, failed, expired or cancelled.
    Finished(String),
}

/// How the carrier answers a silent-auth check: Vonage's Virtual Operator (numbers with
/// country code 990) by the end of the number, as its documentation lists; any other number
/// is recognised, as a carrier would recognise the device's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Carrier {
    /// The number is the device's: the check hands over the code.
    Recognised,
    /// The device's number is another (Virtual Operator: an odd last digit).
    UserRejected,
    /// The check cannot be completed (Virtual Operator: ending in 99).
    Failed,
}

impl Carrier {
    /// Where the Virtual Operator answers: country code 990.
    pub(crate) const VIRTUAL_OPERATOR: &'static str = "990";

    pub(crate) fn for_number(to: &str) -> Self {
        let digits = to.strip_prefix('+').unwrap_or(to);
        if !digits.starts_with(Self::VIRTUAL_OPERATOR) {
            return Carrier::Recognised;
        }
        let last = digits.bytes().last().map_or(0, |b| b.wrapping_sub(b'0'));
        if digits.ends_with("99") {
            Carrier::Failed
        } else if last % 2 == 1 {
            Carrier::UserRejected
        } else {
            Carrier::Recognised
        }
    }

    /// The step's status in callbacks, and the fragment's `error_description`, of a refusal.
    pub(crate) fn refusal(self) -> Option<(&'static str, &'static str)> {
        match self {
            Carrier::Recognised => None,
            Carrier::UserRejected => Some(("user_rejected", "Device MSISDN does not match.")),
            Carrier::Failed => Some((
                "failed",
                "The silent auth verification cannot be completed.",
            )),
        }
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
    /// A v1 cancel in the first 30 seconds.
    TooEarly,
    /// A v1 cancel once the second step has started.
    TooLate,
    NoMoreSteps,
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
    /// Moves every verification on to `now`, in start order, so that lapses are told in a
    /// stable order.
    fn tick(&mut self, now: SystemTime) {
        for id in &self.order {
            if let Some(verification) = self.by_id.get_mut(id)
                && verification.tick(now)
            {
                self.notices.push(Notice::Finished(id.clone()));
            }
        }
    }

    /// The `api`'s verification in progress to `to`, if any: a second one is refused.
    pub(crate) fn in_progress_to(
        &mut self,
        api: Api,
        to: &str,
        now: SystemTime,
    ) -> Option<&Verification> {
        self.tick(now);
        self.by_id
            .values()
            .find(|v| v.api == api && v.to == to && v.stage == Stage::InProgress)
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

    /// The `api`'s verification `id`, moved on to `now`.
    pub(crate) fn get_mut(
        &mut self,
        api: Api,
        id: &str,
        now: SystemTime,
    ) -> Option<&mut Verification> {
        self.tick(now);
        self.by_id.get_mut(id).filter(|v| v.api == api)
    }

    pub(crate) fn get(&mut self, api: Api, id: &str, now: SystemTime) -> Option<&Verification> {
        self.get_mut(api, id, now).map(|v| &*v)
    }

    /// In start order.
    pub(crate) fn all(&mut self, now: SystemTime) -> Vec<Verification> {
        self.tick(now);
        self.order
            .iter()
            .filter_map(|id| self.by_id.get(id).cloned())
            .collect()
    }

    /// The verification `id` of `api` if it is in progress.
    fn running(&mut self, api: Api, id: &str, now: SystemTime) -> Option<&mut Verification> {
        self.get_mut(api, id, now)
            .filter(|v| v.stage == Stage::InProgress)
    }

    pub(crate) fn check(&mut self, api: Api, id: &str, code: &str, now: SystemTime) -> Checked {
        let Some(verification) = self.running(api, id, now) else {
            return Checked::NotFound;
        };
        let valid = verification.code == code;
        verification.attempts.push(Attempt {
            at: now,
            code: code.to_owned(),
            valid,
        });
        let allowed = if verification.channel() == "silent_auth" {
            MAX_WRONG_SILENT_AUTH
        } else {
            MAX_WRONG_CODES
        };
        let outcome = if valid {
            verification.stage = Stage::Completed;
            Checked::Verified
        } else if verification.wrong_codes() >= allowed {
            verification.stage = Stage::Failed;
            Checked::TooManyWrong
        } else {
            return Checked::Wrong;
        };
        verification.finished = Some(now);
        self.notices.push(Notice::Finished(id.to_owned()));
        outcome
    }

    /// Cancels; v1 (`v1_rules`) refuses in the first 30 seconds and once the second step
    /// has started.
    pub(crate) fn cancel(&mut self, api: Api, id: &str, now: SystemTime) -> Moved {
        let Some(verification) = self.running(api, id, now) else {
            return Moved::NotFound;
        };
        if api == Api::V1 {
            if now
                .duration_since(verification.started)
                .is_ok_and(|age| age < CANCEL_AFTER)
            {
                return Moved::TooEarly;
            }
            if verification.step > 0 {
                return Moved::TooLate;
            }
        }
        verification.stage = Stage::Cancelled;
        verification.finished = Some(now);
        self.notices.push(Notice::Finished(id.to_owned()));
        Moved::Done
    }

    /// The carrier refused the current step (a silent-auth check) with `status`: the next
    /// step starts now, or, with none left, the verification fails.
    pub(crate) fn refuse_step(
        &mut self,
        api: Api,
        id: &str,
        status: &'static str,
        now: SystemTime,
    ) {
        let Some(verification) = self.running(api, id, now) else {
            return;
        };
        let step = verification.step;
        verification.ended_steps.push((step, status));
        if step + 1 < verification.steps.len() {
            verification.step += 1;
            verification.initiated.push(now);
            self.notices.push(Notice::StepEnded(id.to_owned(), step));
        } else {
            verification.stage = Stage::Failed;
            verification.finished = Some(now);
            self.notices.push(Notice::Finished(id.to_owned()));
        }
    }

    pub(crate) fn next_step(&mut self, api: Api, id: &str, now: SystemTime) -> Moved {
        let Some(verification) = self.running(api, id, now) else {
            return Moved::NotFound;
        };
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

/// A v2 template, with its fragments, as stored.
#[derive(Debug, Clone)]
pub(crate) struct Template {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) is_default: bool,
    pub(crate) fragments: Vec<Fragment>,
}

/// A template fragment, as stored.
#[derive(Debug, Clone)]
pub(crate) struct Fragment {
    pub(crate) id: String,
    pub(crate) channel: String,
    pub(crate) locale: String,
    pub(crate) text: String,
    pub(crate) created: String,
    pub(crate) updated: String,
}
