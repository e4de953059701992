//! Routes the generated clients' requests through the transport: credentials in progenitor's
//! `pre` hook, sending in its `exec` hook.

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};

use super::{Api, Probe, Transport};
use crate::error::Error;

impl Transport {
    /// What a generated client returns when `authorize` refuses: progenitor's error can only
    /// carry a string, so the typed error waits in the probe for the caller that set one.
    fn refuse<E>(&self, error: Error) -> progenitor_client::Error<E> {
        let message = error.to_string();
        Probe::report(|probe| probe.refused(error));
        progenitor_client::Error::Custom(message)
    }
}

macro_rules! send_through_transport {
    ($api:ident, $variant:expr) => {
        impl ClientHooks<Transport> for crate::$api::raw::Client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                info: &OperationInfo,
            ) -> Result<(), progenitor_client::Error<E>> {
                let transport = self.inner();
                transport
                    .authorize($variant, info.operation_id, request)
                    .map_err(|error| transport.refuse(error))
            }

            // The transport's future itself, not an `async` block awaiting it: the block
            // would be one more state the request is moved into. `Send` is stated so that a
            // change making dispatch non-`Send` fails here, not in callers' spawned tasks.
            #[allow(refining_impl_trait)]
            fn exec(
                &self,
                request: reqwest::Request,
                info: &OperationInfo,
            ) -> impl Future<Output = reqwest::Result<reqwest::Response>> + Send {
                self.inner()
                    .dispatch(self.client(), info.operation_id, request)
            }
        }
    };
}

send_through_transport!(v1, Api::V1);
send_through_transport!(v2, Api::V2);
