//! `vonage-verify-mock`: the mock as a server any language's tests can talk to.
//!
//! Configured by flags or `VONAGE_MOCK_*` variables (`--help` lists them); prints its base URL
//! on the first line of standard output once it accepts connections; stops cleanly on SIGINT
//! or SIGTERM.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use clap::{Parser, ValueEnum};
use vonage_verify::{ApiKey, SignatureSecret};
use vonage_verify_mock::{
    CONTROL_PREFIX, MOCK_API_KEY, MOCK_API_SECRET, MOCK_APPLICATION_ID, MOCK_PRIVATE_KEY,
    ManualClock, MockServer, Tls,
};

/// A stateful mock of the Vonage Verify API (v1 and v2) for contract tests.
///
/// Serves Verify v1 (`/verify/...`) and v2 (`/v2/verify/...`) as Vonage documents them, and a
/// control API under /_mock (codes, recorded requests, the clock, faults, reset; see the
/// crate's openapi/control.yml). Point your client's API base URL at the URL it prints.
#[derive(Debug, Parser)]
#[command(name = "vonage-verify-mock", version)]
struct Args {
    /// Port to listen on; 0 picks a free one (the URL printed says which).
    #[arg(long, env = "VONAGE_MOCK_PORT", default_value_t = 4010)]
    port: u16,

    /// Address to listen on. Anything but loopback lets whoever can reach it read the codes.
    #[arg(long, env = "VONAGE_MOCK_BIND", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    bind: IpAddr,

    /// The API key the mock accepts (v1 fields, or HTTP Basic on both APIs).
    #[arg(long, env = "VONAGE_MOCK_API_KEY", default_value = MOCK_API_KEY)]
    api_key: String,

    /// The API secret that goes with the key (the default is the mock's own, not a secret).
    #[arg(long, env = "VONAGE_MOCK_API_SECRET", default_value = MOCK_API_SECRET)]
    api_secret: String,

    /// The application whose JWTs v2 accepts (default: the mock's built-in one, whose private
    /// key ships with the crate). Needs --public-key.
    #[arg(long, env = "VONAGE_MOCK_APPLICATION_ID", requires = "public_key")]
    application_id: Option<String>,

    /// The application's public key (PEM file), to check its JWTs with.
    #[arg(long, env = "VONAGE_MOCK_PUBLIC_KEY", requires = "application_id")]
    public_key: Option<PathBuf>,

    /// Where to POST v2's callbacks, signed as Vonage signs them. Needs --signature-secret.
    #[arg(long, env = "VONAGE_MOCK_WEBHOOK_URL", requires = "signature_secret")]
    webhook_url: Option<String>,

    /// The signature secret the callbacks are signed with.
    #[arg(
        long,
        env = "VONAGE_MOCK_SIGNATURE_SECRET",
        requires = "webhook_url",
        hide_env_values = true
    )]
    signature_secret: Option<String>,

    /// `system` time, or a `manual` clock that only moves through POST /_mock/clock/advance.
    #[arg(long, env = "VONAGE_MOCK_CLOCK", value_enum, default_value_t = ClockKind::System)]
    clock: ClockKind,

    /// Where a manual clock starts, in Unix seconds (default: now).
    #[arg(long, env = "VONAGE_MOCK_CLOCK_START")]
    clock_start: Option<u64>,

    /// Networks (such as 23410) with a fraud-protection block for network unblock to lift.
    #[arg(
        long = "blocked-network",
        env = "VONAGE_MOCK_BLOCKED_NETWORKS",
        value_delimiter = ','
    )]
    blocked_networks: Vec<String>,

    /// The URL clients reach the mock at, when it is not the address it listens on (in a
    /// container: http://verify-mock:4010); silent-auth check URLs and list links start with
    /// it.
    #[arg(long, env = "VONAGE_MOCK_PUBLIC_URL")]
    public_url: Option<String>,

    /// Log nothing (by default, a line per request, fault and webhook on standard error).
    #[arg(long, env = "VONAGE_MOCK_QUIET")]
    quiet: bool,

    /// Print the private key of the built-in application (PEM), to sign test JWTs with, and
    /// exit.
    #[arg(long)]
    print_private_key: bool,

    /// Serve HTTPS with this certificate chain (PEM). Needs --tls-key.
    #[arg(
        long,
        env = "VONAGE_MOCK_TLS_CERT",
        requires = "tls_key",
        conflicts_with = "self_signed"
    )]
    tls_cert: Option<PathBuf>,

    /// The certificate's private key (PEM).
    #[arg(long, env = "VONAGE_MOCK_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,

    /// Serve HTTPS with a new self-signed certificate for 127.0.0.1, ::1 and localhost, and
    /// write it (PEM) to this file for clients to trust.
    #[arg(long, env = "VONAGE_MOCK_SELF_SIGNED")]
    self_signed: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ClockKind {
    System,
    Manual,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.print_private_key {
        print!("{MOCK_PRIVATE_KEY}");
        return ExitCode::SUCCESS;
    }
    if !args.quiet {
        tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .with_target(false)
            .with_max_level(tracing::Level::INFO)
            .init();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return fail(&format!("cannot start the runtime: {error}")),
    };
    runtime.block_on(run(args))
}

fn fail(message: &str) -> ExitCode {
    eprintln!("vonage-verify-mock: {message}");
    ExitCode::FAILURE
}

async fn run(args: Args) -> ExitCode {
    let builder = match configure(&args) {
        Ok(builder) => builder,
        Err(message) => return fail(&message),
    };
    let mock = match builder.start().await {
        Ok(mock) => mock,
        Err(error) => return fail(&format!("cannot start: {error}")),
    };
    // The first line is the URL, for scripts that start the mock and read where it is.
    println!("{}", mock.base_url());
    eprintln!(
        "vonage-verify-mock: serving Verify v1 and v2 at {url}; control API at {url}{CONTROL_PREFIX}; \
         API key {key}; application {app}; {clock} clock. Ctrl-C stops.",
        url = mock.base_url(),
        key = args.api_key,
        app = args
            .application_id
            .as_deref()
            .unwrap_or(MOCK_APPLICATION_ID),
        clock = match args.clock {
            ClockKind::System => "system",
            ClockKind::Manual => "manual",
        },
    );
    stopped().await;
    mock.shutdown().await;
    eprintln!("vonage-verify-mock: stopped");
    ExitCode::SUCCESS
}

/// The builder the arguments describe, or what is wrong with them.
fn configure(args: &Args) -> Result<vonage_verify_mock::MockServerBuilder, String> {
    let mut builder = MockServer::builder()
        .address(SocketAddr::new(args.bind, args.port))
        .api_key(ApiKey::new(&args.api_key, &args.api_secret));
    if let Some(url) = &args.public_url {
        builder = builder.public_url(url);
    } else if args.bind.is_unspecified() {
        eprintln!(
            "vonage-verify-mock: listening on every interface, but the URLs the mock writes \
             (silent-auth check URLs, list links) use loopback: set --public-url to the \
             address clients reach"
        );
    }
    if let (Some(id), Some(path)) = (&args.application_id, &args.public_key) {
        let pem = std::fs::read_to_string(path)
            .map_err(|e| format!("--public-key {}: {e}", path.display()))?;
        builder = builder.application(id, pem);
    }
    if let (Some(url), Some(secret)) = (&args.webhook_url, &args.signature_secret) {
        builder = builder.webhooks(url, SignatureSecret::new(secret));
    }
    if args.clock == ClockKind::Manual {
        let start = match args.clock_start {
            // Up to the end of the year 9999, the last date the mock can write.
            Some(seconds) if seconds <= 253_402_300_799 => {
                SystemTime::UNIX_EPOCH + Duration::from_secs(seconds)
            }
            Some(_) => return Err("--clock-start is past the year 9999".into()),
            None => SystemTime::now(),
        };
        builder = builder.manual_clock(Arc::new(ManualClock::new(start)));
    } else if args.clock_start.is_some() {
        return Err("--clock-start needs --clock manual".into());
    }
    for network in &args.blocked_networks {
        builder = builder.blocked_network(network.trim());
    }
    let tls = match (&args.tls_cert, &args.tls_key, &args.self_signed) {
        (Some(cert), Some(key), _) => {
            Some(Tls::from_pem_files(cert, key).map_err(|e| format!("TLS: {e}"))?)
        }
        (_, _, Some(path)) => {
            let tls = Tls::self_signed().map_err(|e| format!("TLS: {e}"))?;
            std::fs::write(path, tls.certificate_pem())
                .map_err(|e| format!("--self-signed {}: {e}", path.display()))?;
            Some(tls)
        }
        _ => None,
    };
    if let Some(tls) = tls {
        builder = builder.tls(tls);
    }
    Ok(builder)
}

/// Resolves on SIGINT or SIGTERM (Ctrl-C elsewhere).
async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) {
            (Ok(mut interrupt), Ok(mut terminate)) => {
                tokio::select! {
                    _ = interrupt.recv() => {}
                    _ = terminate.recv() => {}
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
