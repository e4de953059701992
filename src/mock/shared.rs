//! What every handler of the mock shares: its configuration and its state.

use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::extract::State;
use http::HeaderMap;

use super::auth::Keys;
use super::records::Recorded;
use super::state::{Api, Notice, Template, Verifications};
use super::webhooks::{Outbox, callbacks};
use crate::{Clock, SignatureSecret};

/// What every handler sees.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) base_url: String,
    /// Connections accepted since the start.
    pub(crate) connections: Arc<AtomicUsize>,
    pub(crate) keys: Keys,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) webhooks: Option<(Outbox, SignatureSecret)>,
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

    /// v2's schemes: Basic, or a JWT of the configured application.
    pub(crate) fn v2_auth_ok(&self, headers: &HeaderMap) -> bool {
        self.keys
            .v2_ok(headers, crate::clock::unix_seconds(self.clock.now()))
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
}

/// The state every handler extracts.
pub(crate) type AppState = State<Arc<Shared>>;
