//! The accept loop: HTTP/1.1 over TCP or TLS, one task per connection, a graceful stop.
//!
//! axum's own `serve` would do for plain HTTP, but a fault must be able to close a connection
//! without answering, which only the connection's owner can do: a response marked with
//! [`Hangup`] turns into an error of the connection's service, and hyper then drops the
//! connection with nothing written.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::{GracefulConnection, GracefulShutdown};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio_rustls::TlsAcceptor;
use tower_service::Service as _;

/// Marks a response that must not be sent: the connection closes instead.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hangup;

impl std::fmt::Display for Hangup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the mock closed the connection without an answer (an injected fault)")
    }
}

impl std::error::Error for Hangup {}

/// How long a stop waits for requests in flight before dropping their connections.
const GRACE: Duration = Duration::from_secs(5);

/// Serves `app` on `listener` until `stop` fires (or its sender is dropped), then lets the
/// requests in flight finish.
pub(crate) async fn run(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    app: Router,
    connections: Arc<AtomicUsize>,
    mut stop: oneshot::Receiver<()>,
) {
    let graceful = GracefulShutdown::new();
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors, say: wait a little rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        connections.fetch_add(1, Ordering::Relaxed);
        let app = app.clone();
        match &tls {
            None => serve(TokioIo::new(stream), app, &graceful),
            Some(acceptor) => {
                let acceptor = acceptor.clone();
                let watcher = graceful.watcher();
                tokio::spawn(async move {
                    // A client that fails the handshake (one that does not trust the
                    // certificate, say) is simply gone.
                    if let Ok(stream) = acceptor.accept(stream).await {
                        let connection = connection(TokioIo::new(stream), app);
                        let _ = watcher.watch(connection).await;
                    }
                });
            }
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(GRACE, graceful.shutdown()).await;
}

fn serve<I>(io: TokioIo<I>, app: Router, graceful: &GracefulShutdown)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let connection = graceful.watch(connection(io, app));
    tokio::spawn(async move {
        let _ = connection.await;
    });
}

fn connection<I>(
    io: TokioIo<I>,
    app: Router,
) -> impl GracefulConnection<Error = hyper::Error> + Send + 'static
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |request: http::Request<Incoming>| {
        let mut app = app.clone();
        async move {
            let response = match app.call(request.map(Body::new)).await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            if response.extensions().get::<Hangup>().is_some() {
                Err(Hangup)
            } else {
                Ok(response)
            }
        }
    });
    hyper::server::conn::http1::Builder::new().serve_connection(io, service)
}
