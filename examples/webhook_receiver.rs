//! Receives Verify v2 callbacks, checks each one and prints what it says.
//!
//! ```text
//! VONAGE_SIGNATURE_SECRET=... [VONAGE_API_KEY=...] [PORT=3000] \
//!     cargo run --example webhook_receiver --features axum
//! ```
//!
//! Point the application's Verify status URL at `https://<your tunnel>/webhooks/verify`. A
//! callback that fails a check gets 401 and is logged with the reason; one that passes gets 204.

use std::net::{Ipv4Addr, SocketAddr};

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use vonage_verify::SignatureSecret;
use vonage_verify::webhook::{VONAGE_ISSUER, Verified, Verifier, Webhook};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The crate logs why it refuses a callback at DEBUG.
    tracing_subscriber::fmt()
        .with_max_level(tracing_subscriber::filter::LevelFilter::DEBUG)
        .init();
    let secret = std::env::var("VONAGE_SIGNATURE_SECRET")
        .ok()
        .filter(|secret| !secret.is_empty())
        .ok_or("set VONAGE_SIGNATURE_SECRET to the account's signature secret")?;
    let mut verifier = Verifier::new(SignatureSecret::new(secret)).issuer(VONAGE_ISSUER);
    if let Ok(api_key) = std::env::var("VONAGE_API_KEY") {
        verifier = verifier.api_key(api_key);
    }
    let port = std::env::var("PORT").map_or(Ok(3000), |port| port.parse())?;

    let app = Router::new()
        .route("/webhooks/verify", post(callback))
        .with_state(verifier);
    let listener =
        tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await?;
    println!(
        "listening on http://{}/webhooks/verify",
        listener.local_addr()?
    );
    axum::serve(listener, app).await?;
    Ok(())
}

async fn callback(
    Verified {
        claims, webhook, ..
    }: Verified,
) -> StatusCode {
    let id = claims.jti.as_deref().unwrap_or("-");
    match webhook {
        Webhook::Event(event) => println!(
            "[{id}] {}: {} attempt {}",
            event.request_id,
            event.channel.as_str(),
            event.status.as_str()
        ),
        Webhook::Summary(summary) => {
            println!(
                "[{id}] {}: verification {}",
                summary.request_id,
                summary.status.as_str()
            );
            for step in &summary.workflow {
                let channel = step.channel.as_ref().map_or("?", |c| c.as_str());
                let status = step.status.as_ref().map_or("?", |s| s.as_str());
                println!("    {channel}: {status}");
            }
        }
        Webhook::SilentAuth(update) => println!(
            "[{id}] {}: silent auth {}{}",
            update.request_id,
            update.status.as_str(),
            update
                .check_url()
                .map(|url| format!(", device must open {url}"))
                .unwrap_or_default()
        ),
        Webhook::Other { kind, .. } => println!("[{id}] a callback of a new kind: {kind:?}"),
        // `Webhook` is non-exhaustive: kinds added by later versions of the crate.
        _ => println!("[{id}] a callback this example does not print"),
    }
    StatusCode::NO_CONTENT
}
