//! What every handler of the mock shares: its configuration and its state.

use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::extract::State;
use http::HeaderMap;

use super::auth::Keys;
use super::clock::ManualClock;
use super::faults::Faults;
use super::records::{Message, Recorded};
use super::state::{Api, Notice, Template, Verifications};
use super::webhooks::{Delivery, Outbox, callbacks};
use vonage_verify::{Clock, SignatureSecret};

/// What every handler sees.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) base_url: String,
    /// The certificate the mock serves HTTPS with, for the clients it makes.
    pub(crate) certificate_pem: Option<String>,
    /// Connections accepted since the start.
    pub(crate) connections: Arc<AtomicUsize>,
    pub(crate) keys: Keys,
    pub(crate) clock: Arc<dyn Clock>,
    /// The same clock, when it is one the control API may move.
    pub(crate) manual_clock: Option<Arc<ManualClock>>,
    pub(crate) webhooks: Option<(Outbox, SignatureSecret)>,
    /// The blocks configured at the start, which a reset puts back.
    pub(crate) blocked_networks: std::collections::HashSet<String>,
    pub(crate) state: Mutex<Inner>,
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        // A handler that panicked left consistent data: every change is one assignment.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues the callbacks for what happened to v2 verifications since the last call.
    pub(crate) fn dispatch(&self) {
        let now = self.clock.now();
        let mut inner = self.lock();
        // Taken even without webhooks, so that notices do not pile up.
        let notices = inner.verifications.take_notices(now);
        let Some((outbox, _)) = &self.webhooks else {
            return;
        };
        for notice in notices {
            let (Notice::Started(id) | Notice::StepEnded(id, _) | Notice::Finished(id)) = &notice;
            if let Some(verification) = inner.verifications.get(Api::V2, id, now) {
                for outgoing in callbacks(&notice, verification, &self.base_url) {
                    outbox.send(outgoing);
                }
            }
        }
    }

    /// One message per verification, oldest first (see [`crate::MockServer::inbox`]).
    pub(crate) fn inbox(&self) -> Vec<Message> {
        let now = self.clock.now();
        let mut inner = self.lock();
        inner
            .verifications
            .all(now)
            .into_iter()
            .map(|v| Message {
                api: match v.api {
                    Api::V1 => "v1",
                    Api::V2 => "v2",
                },
                request_id: v.id,
                to: v.to,
                channel: v.steps.first().cloned().unwrap_or_default(),
                brand: v.brand,
                code: v.code,
                client_ref: v.client_ref,
            })
            .collect()
    }

    /// Every callback delivered so far, once the ones due by now are (see
    /// [`crate::MockServer::deliveries`]).
    pub(crate) async fn deliveries(&self) -> Vec<Delivery> {
        self.dispatch();
        match &self.webhooks {
            Some((outbox, _)) => {
                outbox.flush().await;
                outbox.delivered()
            }
            None => Vec::new(),
        }
    }

    /// Forgets every verification, request, template, fault and delivery; the configuration
    /// (credentials, clock, webhook URL, blocked networks) stays.
    pub(crate) fn reset(&self) {
        let mut inner = self.lock();
        *inner = Inner {
            blocked_networks: self.blocked_networks.clone(),
            ..Inner::default()
        };
        if let Some((outbox, _)) = &self.webhooks {
            outbox.clear();
        }
    }

    /// v2's schemes: Basic, or a JWT of the configured application.
    pub(crate) fn v2_auth_ok(&self, headers: &HeaderMap) -> bool {
        self.keys
            .v2_ok(headers, super::clock::unix_seconds(self.clock.now()))
    }

    /// v1's schemes: the key and secret as form or query fields, or Basic.
    pub(crate) fn v1_auth_ok(&self, headers: &HeaderMap, fields: &[(String, String)]) -> bool {
        self.keys.v1_ok(headers, fields)
    }
}

/// What the mock's requests change.
#[derive(Debug, Default)]
pub(crate) struct Inner {
    pub(crate) verifications: Verifications,
    pub(crate) requests: Vec<Recorded>,
    pub(crate) templates: Vec<Template>,
    /// Networks with a block that network unblock may lift.
    pub(crate) blocked_networks: std::collections::HashSet<String>,
    /// Faults waiting for their requests.
    pub(crate) faults: Faults,
}

/// The state every handler extracts.
pub(crate) type AppState = State<Arc<Shared>>;
