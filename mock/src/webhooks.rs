//! The callbacks the mock sends for v2 verifications, signed as Vonage signs them, and the
//! queue that delivers them in order to the URL a test gave.
//!
//! One task delivers them one at a time, so a receiver sees them in the order the mock
//! produced them, as it would from one verification on the real service. A receiver that
//! answers anything but 200 or 204 is not retried (Vonage retries); the answer is recorded
//! for the test to assert on.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot};

use super::state::{Notice, Stage, Verification};
use vonage_verify::Clock;
use vonage_verify::webhook::testing::Signer;

/// How long one delivery may take before it is recorded as failed.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// A callback the mock delivered, or tried to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Delivery {
    /// The verification it is about.
    pub request_id: String,
    /// The callback's `type`: `event` (one step ended, or a silent-auth update) or `summary`
    /// (the verification ended).
    pub kind: String,
    /// The JSON body sent, byte for byte.
    pub body: String,
    /// The HTTP status the receiver answered, or `None` when it could not be reached.
    pub status: Option<u16>,
    /// Why the delivery failed, when it did not reach the receiver.
    pub error: Option<String>,
}

/// A callback waiting in the queue.
#[derive(Debug)]
pub(crate) struct Outgoing {
    request_id: String,
    kind: &'static str,
    body: Vec<u8>,
}

#[derive(Debug)]
enum Job {
    Deliver(Outgoing),
    /// Answered once every job queued before it is done.
    Flush(oneshot::Sender<()>),
}

/// The delivery queue and its task; the task ends when this is dropped.
#[derive(Debug)]
pub(crate) struct Outbox {
    jobs: mpsc::UnboundedSender<Job>,
    delivered: Arc<Mutex<Vec<Delivery>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Outbox {
    pub(crate) fn start(url: reqwest::Url, signer: Signer, clock: Arc<dyn Clock>) -> Self {
        let (jobs, queue) = mpsc::unbounded_channel();
        let delivered = Arc::new(Mutex::new(Vec::new()));
        let task = tokio::spawn(deliver(queue, url, signer, clock, delivered.clone()));
        Self {
            jobs,
            delivered,
            task,
        }
    }

    pub(crate) fn send(&self, outgoing: Outgoing) {
        // Fails only once the task has ended, when the mock is being dropped.
        let _ = self.jobs.send(Job::Deliver(outgoing));
    }

    /// Waits until everything queued so far has been delivered or has failed.
    pub(crate) async fn flush(&self) {
        let (done, finished) = oneshot::channel();
        if self.jobs.send(Job::Flush(done)).is_ok() {
            let _ = finished.await;
        }
    }

    /// Forgets the deliveries made so far.
    pub(crate) fn clear(&self) {
        self.delivered
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    pub(crate) fn delivered(&self) -> Vec<Delivery> {
        self.delivered
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for Outbox {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn deliver(
    mut queue: mpsc::UnboundedReceiver<Job>,
    url: reqwest::Url,
    signer: Signer,
    clock: Arc<dyn Clock>,
    delivered: Arc<Mutex<Vec<Delivery>>>,
) {
    // No proxy: the receiver is on this machine, and a proxy from the environment would
    // swallow the deliveries.
    let http = match reqwest::Client::builder()
        .timeout(DELIVERY_TIMEOUT)
        .no_proxy()
        .build()
    {
        Ok(http) => http,
        // Only a broken TLS set-up fails here; nothing can be delivered then.
        Err(error) => {
            tracing::error!(%error, "the mock cannot deliver webhooks");
            return;
        }
    };
    while let Some(job) = queue.recv().await {
        let outgoing = match job {
            Job::Deliver(outgoing) => outgoing,
            Job::Flush(done) => {
                let _ = done.send(());
                continue;
            }
        };
        // Signed when sent, on the mock's clock, so that a verifier on the same clock
        // accepts it however long the callback waited in the queue.
        let authorization = signer
            .clone()
            .issued_at(clock.now())
            .authorization(&outgoing.body);
        let sent = http
            .post(url.clone())
            .header(http::header::CONTENT_TYPE, "application/json")
            .header(http::header::AUTHORIZATION, authorization)
            .body(outgoing.body.clone())
            .send()
            .await;
        let (status, error) = match sent {
            Ok(response) => (Some(response.status().as_u16()), None),
            Err(error) => (None, Some(causes(&error.without_url()))),
        };
        match (status, &error) {
            (Some(status), _) => tracing::info!(
                "webhook {} for {} -> {status}",
                outgoing.kind,
                outgoing.request_id
            ),
            (None, Some(error)) => tracing::warn!(
                "webhook {} for {} not delivered: {error}",
                outgoing.kind,
                outgoing.request_id
            ),
            (None, None) => {}
        }
        delivered
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Delivery {
                request_id: outgoing.request_id,
                kind: outgoing.kind.to_owned(),
                body: String::from_utf8_lossy(&outgoing.body).into_owned(),
                status,
                error,
            });
    }
}

/// An error and its causes on one line (`error sending request: client error (Connect): tcp
/// connect error: Connection refused`), so that a failed delivery says why.
fn causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(error) = cause {
        let next = error.to_string();
        if !text.ends_with(&next) {
            text.push_str(": ");
            text.push_str(&next);
        }
        cause = error.source();
    }
    text
}

/// The silent-auth URL the device opens for `request_id`.
pub(crate) fn check_url(base_url: &str, request_id: &str) -> String {
    format!("{base_url}/v2/verify/{request_id}/silent-auth/redirect")
}

/// The callbacks Vonage sends for `notice` about the v2 `verification`.
///
/// A silent-auth step gets `action_pending` with its check URL when it starts, and an `event`
/// if the carrier refuses it while the workflow goes on. When the verification ends, the step
/// it ended on gets an `event` (completed, failed or user_rejected; a lapse ends no attempt,
/// and a cancel sends nothing), then the whole gets a `summary` in which refused steps keep
/// their status, other steps moved past are `expired` and steps never reached `unused`, as
/// in the spec's example.
pub(crate) fn callbacks(
    notice: &Notice,
    verification: &Verification,
    base_url: &str,
) -> Vec<Outgoing> {
    let id = &verification.id;
    let channel = verification
        .steps
        .get(verification.step)
        .map_or("", String::as_str);
    let step_started = verification
        .initiated
        .get(verification.step)
        .copied()
        .unwrap_or(verification.started);
    let outgoing = |kind, mut body: Value| {
        if let Some(client_ref) = &verification.client_ref {
            body["client_ref"] = client_ref.as_str().into();
        }
        Outgoing {
            request_id: id.clone(),
            kind,
            body: body.to_string().into_bytes(),
        }
    };
    match notice {
        Notice::Started(_) if channel == "silent_auth" => vec![outgoing(
            "event",
            json!({
                "request_id": id,
                "triggered_at": timestamp(verification.started),
                "type": "event",
                "channel": "silent_auth",
                "status": "action_pending",
                "action": {"type": "check", "check_url": check_url(base_url, id)},
            }),
        )],
        Notice::Started(_) => Vec::new(),
        // A step the carrier refused, with the workflow going on to the next one.
        Notice::StepEnded(_, index) => {
            let Some((_, status)) = verification.ended_steps.iter().find(|(i, _)| i == index)
            else {
                return Vec::new();
            };
            let started = verification.initiated.get(*index).copied();
            let ended = verification.initiated.get(index + 1).copied();
            vec![outgoing(
                "event",
                json!({
                    "request_id": id,
                    "triggered_at": timestamp(started.unwrap_or(verification.started)),
                    "type": "event",
                    "channel": verification.steps.get(*index).map_or("", String::as_str),
                    "status": status,
                    "finalized_at": timestamp(ended.unwrap_or(verification.started)),
                }),
            )]
        }
        Notice::Finished(_) => {
            let finalized = verification.finished.unwrap_or(verification.started);
            let ended_here = verification
                .ended_steps
                .iter()
                .find(|(i, _)| *i == verification.step)
                .map(|(_, status)| *status);
            let (step_status, summary_status) = match verification.stage {
                Stage::Completed => (Some("completed"), "completed"),
                Stage::Failed => (Some(ended_here.unwrap_or("failed")), "failed"),
                Stage::Expired => (None, "expired"),
                Stage::Cancelled | Stage::InProgress => return Vec::new(),
            };
            let mut out = Vec::new();
            if let Some(status) = step_status {
                out.push(outgoing(
                    "event",
                    json!({
                        "request_id": id,
                        "triggered_at": timestamp(step_started),
                        "type": "event",
                        "channel": channel,
                        "status": status,
                        "finalized_at": timestamp(finalized),
                    }),
                ));
            }
            let workflow: Vec<Value> = verification
                .steps
                .iter()
                .enumerate()
                .map(|(index, channel)| {
                    let ended = verification.ended_steps.iter().find(|(i, _)| *i == index);
                    let status = match index.cmp(&verification.step) {
                        std::cmp::Ordering::Less => ended.map_or("expired", |(_, status)| status),
                        std::cmp::Ordering::Equal => step_status.unwrap_or("expired"),
                        std::cmp::Ordering::Greater => "unused",
                    };
                    let mut step = json!({"channel": channel, "status": status});
                    if let Some(initiated) = verification.initiated.get(index) {
                        step["initiated_at"] = timestamp(*initiated).into();
                    }
                    step
                })
                .collect();
            out.push(outgoing(
                "summary",
                json!({
                    "request_id": id,
                    "submitted_at": timestamp(verification.started),
                    "status": summary_status,
                    "type": "summary",
                    "channel_timeout": verification.channel_timeout,
                    "workflow": workflow,
                    "finalized_at": timestamp(finalized),
                }),
            ));
            out
        }
    }
}

/// ISO 8601 with milliseconds and `Z`, as Vonage's callbacks write times.
fn timestamp(time: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(time)
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}
