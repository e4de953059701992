//! Routes a generated client's requests through its [`Transport`](super::Transport):
//! credentials in progenitor's `pre` hook, sending in its `exec` hook.

/// Implements progenitor's hooks for a generated client type built with
/// `inner_type = Transport` (each API invokes it for its own client, so the transport names
/// none of them).
macro_rules! send_through_transport {
    ($client:ty) => {
        impl ::progenitor_client::ClientHooks<$crate::transport::Transport> for $client {
            async fn pre<E>(
                &self,
                request: &mut ::reqwest::Request,
                info: &::progenitor_client::OperationInfo,
            ) -> ::std::result::Result<(), ::progenitor_client::Error<E>> {
                let transport = ::progenitor_client::ClientInfo::inner(self);
                transport
                    .prepare(request, info.operation_id)
                    .map_err(::progenitor_client::Error::Custom)
            }

            async fn exec(
                &self,
                request: ::reqwest::Request,
                info: &::progenitor_client::OperationInfo,
            ) -> ::reqwest::Result<::reqwest::Response> {
                let transport = ::progenitor_client::ClientInfo::inner(self);
                let http = ::progenitor_client::ClientInfo::client(self);
                transport.exec(http, info.operation_id, request).await
            }
        }
    };
}

pub(crate) use send_through_transport;
