//! What the client costs over hand-written reqwest: a v2 start-then-check round trip, and
//! 10,000 starts with 256 in flight, both against one canned local server.
//!
//! `cargo bench --bench overhead` measures wall time (one run, interleaved, ratios) and, when
//! valgrind is installed, the client's instructions per round trip and per start with 256 in
//! flight, with callgrind. The server runs in a child process, so neither its work nor its
//! threads are counted.
//!
//! The binary has five modes: no arguments (or cargo's `--bench`) runs everything; `wall`
//! only the round trips' wall time; `serve` is the child server; `count KIND N ADDR` is what
//! callgrind measures for round trips: one warm-up round trip (connection set up, token
//! minted), then N more inside `measured`, the only function callgrind counts
//! (`--toggle-collect`), so set-up and tear-down are left out; `count-starts KIND N ADDR` is
//! the same for N starts with 256 in flight, inside `measured_starts`, after 256 warm-up
//! starts.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue};
use serde::{Deserialize, Serialize};
use vonage_verify::v2::{StartRequest, Step};
use vonage_verify::{ApiKey, Client, PrivateKey, V2Auth};

const KEY: &str = "benchkey";
const SECRET: &str = "bench-secret";
const APPLICATION_ID: &str = "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab";
const PRIVATE_KEY: &str = include_str!("../tests/fixtures/keys/rsa-private.pem");
const NUMBER: &str = "447700900001";
const REQUEST_ID: &str = "c11236f4-00bf-4b89-84ba-88b25df97315";
/// The concurrency test: this many v2 starts, this many in flight at a time.
const STARTS: usize = 10_000;
const IN_FLIGHT: usize = 256;
/// The user agent our client sends by default, which the hand-written side sends too.
const USER_AGENT: &str = concat!("vonage-verify/", env!("CARGO_PKG_VERSION"));

/// Who makes the requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// This crate, Basic auth.
    Ours,
    /// This crate, application JWTs (cached).
    OursJwt,
    /// The same two exchanges written with reqwest and serde, Basic auth.
    Hand,
    /// Hand-written with one pre-minted bearer token.
    HandJwt,
}

impl Kind {
    const ALL: [Kind; 4] = [Kind::Ours, Kind::OursJwt, Kind::Hand, Kind::HandJwt];

    fn name(self) -> &'static str {
        match self {
            Kind::Ours => "ours",
            Kind::OursJwt => "ours-jwt",
            Kind::Hand => "hand",
            Kind::HandJwt => "hand-jwt",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }
}

/// One way of making the calls, ready to run.
enum Caller {
    Ours(Client),
    Hand {
        http: reqwest::Client,
        base: String,
        authorization: HeaderValue,
    },
}

/// The hand-written requests' bodies, typed as a careful hand would write them.
#[derive(Serialize)]
struct StartBody {
    brand: &'static str,
    workflow: [SmsStep; 1],
}

#[derive(Serialize)]
struct SmsStep {
    channel: &'static str,
    to: &'static str,
}

#[derive(Serialize)]
struct CheckBody {
    code: &'static str,
}

/// What the client accepts: JSON replies, and problem documents for errors.
const JSON: HeaderValue = HeaderValue::from_static("application/json, application/problem+json");

#[derive(Deserialize)]
struct Started {
    request_id: String,
}

#[derive(Deserialize)]
#[allow(dead_code)] // Read as the typed client reads it.
struct Checked {
    request_id: String,
    status: String,
}

impl Caller {
    fn new(kind: Kind, base: &str) -> Self {
        let key = || PrivateKey::from_pem(PRIVATE_KEY).expect("the test key loads");
        match kind {
            Kind::Ours => Caller::Ours(
                Client::builder()
                    .base_url(base)
                    .api_key(ApiKey::new(KEY, SECRET))
                    .v2_auth(V2Auth::Basic)
                    .build()
                    .expect("client"),
            ),
            Kind::OursJwt => Caller::Ours(
                Client::builder()
                    .base_url(base)
                    .application(APPLICATION_ID, key())
                    .v2_auth(V2Auth::Jwt)
                    .build()
                    .expect("client"),
            ),
            Kind::Hand | Kind::HandJwt => {
                let authorization = if kind == Kind::Hand {
                    use base64::Engine as _;
                    let pair = format!("{KEY}:{SECRET}");
                    format!(
                        "Basic {}",
                        base64::engine::general_purpose::STANDARD.encode(pair)
                    )
                } else {
                    let client = Client::builder()
                        .application(APPLICATION_ID, key())
                        .build()
                        .expect("client");
                    let token = client.application_jwt().expect("a token");
                    format!("Bearer {}", secrecy::ExposeSecret::expose_secret(&token))
                };
                Caller::Hand {
                    // What our client sets by default: the timeouts (10 s to connect, 30 s in
                    // all; without them reqwest arms no timer) and the user agent, so both
                    // sides send the same requests and do the same work.
                    http: reqwest::Client::builder()
                        .connect_timeout(Duration::from_secs(10))
                        .timeout(Duration::from_secs(30))
                        .user_agent(USER_AGENT)
                        .build()
                        .expect("client"),
                    base: base.to_owned(),
                    // Made once, as the client makes its own.
                    authorization: HeaderValue::from_str(&authorization).expect("a header"),
                }
            }
        }
    }

    async fn start(&self) -> String {
        match self {
            Caller::Ours(client) => {
                let request = StartRequest::new("ACME").step(Step::sms(NUMBER));
                client.v2().start(&request).await.expect("start").request_id
            }
            Caller::Hand {
                http,
                base,
                authorization,
            } => {
                let body = StartBody {
                    brand: "ACME",
                    workflow: [SmsStep {
                        channel: "sms",
                        to: NUMBER,
                    }],
                };
                let response = http
                    .post(format!("{base}/v2/verify"))
                    .header(ACCEPT, JSON)
                    .header(AUTHORIZATION, authorization.clone())
                    .json(&body)
                    .send()
                    .await
                    .expect("start");
                assert_eq!(response.status(), 202);
                let started: Started = response.json().await.expect("start reply");
                started.request_id
            }
        }
    }

    async fn check(&self, request_id: &str) {
        match self {
            Caller::Ours(client) => {
                client
                    .v2()
                    .check_code(request_id, "1234")
                    .await
                    .expect("check");
            }
            Caller::Hand {
                http,
                base,
                authorization,
            } => {
                let response = http
                    .post(format!("{base}/v2/verify/{request_id}"))
                    .header(ACCEPT, JSON)
                    .header(AUTHORIZATION, authorization.clone())
                    .json(&CheckBody { code: "1234" })
                    .send()
                    .await
                    .expect("check");
                assert_eq!(response.status(), 200);
                let _: Checked = response.json().await.expect("check reply");
            }
        }
    }

    async fn round_trip(&self) {
        let id = self.start().await;
        self.check(&id).await;
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("serve") => serve(),
        Some("count") => count(&args[1..]),
        Some("count-starts") => count_starts(&args[1..]),
        Some("wall") => {
            let server = Server::start();
            let runtime = tokio::runtime::Runtime::new().expect("runtime");
            same_exchanges(&runtime, &server.base);
            round_trips(&runtime, &server.base);
        }
        _ => run_all(),
    }
}

/// The canned server: a start is accepted, a check completes. `GET /seen` answers with the
/// requests received since the last `GET /seen` (up to a few), for [`same_exchanges`].
fn serve() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    use axum::Router;
    use axum::body::Bytes;
    use axum::http::{HeaderMap, StatusCode, Uri};
    use axum::routing::{get, post};

    /// Requests still to record, and the ones recorded; the hot path reads only the count.
    #[derive(Default)]
    struct Seen {
        budget: AtomicUsize,
        requests: Mutex<Vec<String>>,
    }

    impl Seen {
        fn record(&self, uri: &Uri, headers: &HeaderMap, body: &[u8]) {
            let take = |left: usize| left.checked_sub(1);
            if self
                .budget
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, take)
                .is_err()
            {
                return;
            }
            // Every header, and a bearer token's scheme only: two clients mint different ones.
            let mut lines: Vec<String> = headers
                .iter()
                .map(|(name, value)| {
                    let value = value.to_str().unwrap_or("(not text)");
                    match value.strip_prefix("Bearer ") {
                        Some(_) if name == "authorization" => format!("{name}: Bearer …"),
                        _ => format!("{name}: {value}"),
                    }
                })
                .collect();
            lines.sort();
            let request = format!(
                "POST {uri}\n  {}\n  body: {}",
                lines.join("\n  "),
                String::from_utf8_lossy(body)
            );
            self.requests.lock().expect("lock").push(request);
        }
    }

    let seen = Arc::new(Seen::default());
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let (on_start, on_check, on_seen) = (seen.clone(), seen.clone(), seen);
        let app = Router::new()
            .route(
                "/v2/verify",
                post(
                    move |uri: Uri, headers: HeaderMap, body: Bytes| async move {
                        on_start.record(&uri, &headers, &body);
                        (
                            StatusCode::ACCEPTED,
                            [("content-type", "application/json")],
                            format!(r#"{{"request_id":"{REQUEST_ID}"}}"#),
                        )
                    },
                ),
            )
            .route(
                "/v2/verify/{id}",
                post(
                    move |uri: Uri, headers: HeaderMap, body: Bytes| async move {
                        on_check.record(&uri, &headers, &body);
                        (
                            [("content-type", "application/json")],
                            format!(r#"{{"request_id":"{REQUEST_ID}","status":"completed"}}"#),
                        )
                    },
                ),
            )
            .route(
                "/seen",
                get(move || async move {
                    let requests = std::mem::take(&mut *on_seen.requests.lock().expect("lock"));
                    on_seen.budget.store(4, Ordering::Relaxed);
                    requests.join("\n")
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        println!("{}", listener.local_addr().expect("address"));
        axum::serve(listener, app).await.expect("serve");
    });
}

/// The server in a child process, and its base URL.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start() -> Self {
        let mut child = Command::new(std::env::current_exe().expect("own path"))
            .arg("serve")
            .stdout(Stdio::piped())
            .spawn()
            .expect("the server starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the server's address");
        Server {
            child,
            base: format!("http://{}", line.trim()),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a `count` mode runs on: `KIND N ADDR` read, and a one-thread runtime, so that all the
/// client's work happens on the thread callgrind counts.
fn counting(args: &[String]) -> (tokio::runtime::Runtime, Caller, usize) {
    let kind = Kind::parse(&args[0]).expect("a kind");
    let n: usize = args[1].parse().expect("a count");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    (runtime, Caller::new(kind, &args[2]), n)
}

/// What callgrind runs: one warm-up round trip, then `n`.
fn count(args: &[String]) {
    let (runtime, caller, n) = counting(args);
    runtime.block_on(caller.round_trip());
    measured(&runtime, &caller, n);
}

/// What callgrind runs for the concurrency test: 256 starts to open the connections, then
/// `N` starts with 256 in flight inside `measured_starts`.
fn count_starts(args: &[String]) {
    let (runtime, caller, n) = counting(args);
    assert_eq!(runtime.block_on(in_flight(&caller, IN_FLIGHT)), IN_FLIGHT);
    measured_starts(&runtime, &caller, n);
}

/// The starts callgrind counts, the connections' tasks included (one thread).
#[inline(never)]
fn measured_starts(runtime: &tokio::runtime::Runtime, caller: &Caller, n: usize) {
    let done = runtime.block_on(in_flight(caller, n));
    assert_eq!(done, n, "every start succeeded");
}

/// The round trips callgrind counts; everything the runtime does for them (the connection's
/// task included) runs inside this call, on this thread.
#[inline(never)]
fn measured(runtime: &tokio::runtime::Runtime, caller: &Caller, n: usize) {
    runtime.block_on(async {
        for _ in 0..n {
            caller.round_trip().await;
        }
    });
}

fn run_all() {
    let server = Server::start();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    same_exchanges(&runtime, &server.base);
    println!("## Round trip (v2 start then check), wall time, one run");
    round_trips(&runtime, &server.base);
    println!("\n## 10,000 starts, 256 in flight, one client");
    concurrency(&runtime, &server.base);
    println!("\n## Client instructions per round trip (callgrind)");
    instructions(&server.base);
    println!("\n## Client instructions per start, 10,000 starts, 256 in flight (callgrind)");
    instructions_in_flight(&server.base);
}

/// Checks that the hand-written side sends what our client sends, header for header and byte
/// for byte of the body (a bearer token's value aside): the comparison is between two ways of
/// making the same exchanges, not between two different requests.
fn same_exchanges(runtime: &tokio::runtime::Runtime, base: &str) {
    let seen = |kind: Kind| {
        let caller = Caller::new(kind, base);
        runtime.block_on(async {
            let seen = || async {
                reqwest::get(format!("{base}/seen"))
                    .await
                    .expect("/seen")
                    .text()
                    .await
                    .expect("/seen")
            };
            seen().await;
            caller.round_trip().await;
            seen().await
        })
    };
    for (ours, hand) in [(Kind::Ours, Kind::Hand), (Kind::OursJwt, Kind::HandJwt)] {
        let (ours_saw, hand_saw) = (seen(ours), seen(hand));
        assert_eq!(
            ours_saw,
            hand_saw,
            "{} and {} send different requests",
            ours.name(),
            hand.name()
        );
        assert!(ours_saw.contains("POST /v2/verify/"), "{ours_saw}");
    }
    println!(
        "Both sides send the same requests; {}'s:",
        Kind::Ours.name()
    );
    // The bench's credentials are made up, but a printed `Authorization` is a bad habit.
    let printed: Vec<String> = seen(Kind::Ours)
        .lines()
        .map(|line| match line.split_once("authorization: ") {
            Some((indent, _)) => format!("{indent}authorization: (the same on both sides)"),
            None => line.to_owned(),
        })
        .collect();
    println!("{}\n", printed.join("\n"));
}

/// Batches of round trips, alternating between the kinds so that the machine's noise
/// falls on all of them, each kind first in turn; the median batch time of each.
fn round_trips(runtime: &tokio::runtime::Runtime, base: &str) {
    const BATCH: usize = 200;
    const BATCHES: usize = 15;
    let callers: Vec<(Kind, Caller)> = Kind::ALL
        .into_iter()
        .map(|kind| (kind, Caller::new(kind, base)))
        .collect();
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); callers.len()];
    runtime.block_on(async {
        for (_, caller) in &callers {
            caller.round_trip().await;
        }
        for batch in 0..BATCHES {
            // Each kind goes first in turn, so that none always follows the same one.
            for turn in 0..callers.len() {
                let index = (batch + turn) % callers.len();
                let caller = &callers[index].1;
                let started = Instant::now();
                for _ in 0..BATCH {
                    caller.round_trip().await;
                }
                times[index].push(started.elapsed() / BATCH as u32);
            }
        }
    });
    let medians: Vec<Duration> = times.iter_mut().map(|t| median(t)).collect();
    let hand = medians[2];
    for ((kind, _), median) in callers.iter().zip(&medians) {
        println!(
            "{:>9}: {:>8.1} µs per round trip, {:.3}x hand",
            kind.name(),
            median.as_secs_f64() * 1e6,
            median.as_secs_f64() / hand.as_secs_f64()
        );
    }
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// 10,000 starts through one client with 256 in flight, hand-written and ours back to back,
/// nine times, swapping which goes first. On a shared machine the throughput of one pass
/// swings by tens of percent, so the figure is the median of the nine paired ratios, with
/// their range.
fn concurrency(runtime: &tokio::runtime::Runtime, base: &str) {
    const ROUNDS: usize = 9;
    let pass = |kind: Kind| {
        let caller = Caller::new(kind, base);
        let elapsed = runtime.block_on(async {
            let started = Instant::now();
            let done = in_flight(&caller, STARTS).await;
            assert_eq!(done, STARTS, "every start succeeded");
            started.elapsed()
        });
        STARTS as f64 / elapsed.as_secs_f64()
    };
    let (mut hand, mut ours, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let (h, o) = if round % 2 == 0 {
            let h = pass(Kind::Hand);
            (h, pass(Kind::Ours))
        } else {
            let o = pass(Kind::Ours);
            (pass(Kind::Hand), o)
        };
        hand.push(h);
        ours.push(o);
        ratios.push(o / h);
    }
    let middle = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (low, high) = (
        ratios.iter().copied().fold(f64::INFINITY, f64::min),
        ratios.iter().copied().fold(0.0, f64::max),
    );
    println!("     hand: {:>8.0} starts/s (median)", middle(&mut hand));
    println!(
        "     ours: {:>8.0} starts/s (median), no errors",
        middle(&mut ours)
    );
    println!(
        "     ours/hand: {:.1}% (median of {ROUNDS} paired passes; range {:.1}% to {:.1}%)",
        100.0 * middle(&mut ratios),
        100.0 * low,
        100.0 * high
    );
}

/// `starts` v2 starts through `caller`, 256 at a time; how many completed (a failed start
/// panics).
async fn in_flight(caller: &Caller, starts: usize) -> usize {
    futures_util::stream::iter(0..starts)
        .map(|_| caller.start())
        .buffer_unordered(IN_FLIGHT)
        .count()
        .await
}

/// Instructions per round trip, counted by callgrind inside `measured` only.
fn instructions(base: &str) {
    const N: usize = 200;
    if Command::new("valgrind").arg("--version").output().is_err() {
        println!("valgrind is not installed: skipped");
        return;
    }
    let mut per_trip = Vec::new();
    for kind in Kind::ALL {
        let total = callgrind(kind, "count", "measured", N, base);
        per_trip.push((kind, total as f64 / N as f64));
    }
    let hand = per_trip[2].1;
    let hand_jwt = per_trip[3].1;
    for (kind, count) in &per_trip {
        let versus = match kind {
            Kind::OursJwt => format!(
                "{:.3}x hand, {:.3}x hand-jwt",
                count / hand,
                count / hand_jwt
            ),
            _ => format!("{:.3}x hand", count / hand),
        };
        println!(
            "{:>9}: {:>9.0} instructions per round trip, {versus}",
            kind.name(),
            count
        );
    }
}

/// Instructions per start with 256 in flight: how much client work each start of the
/// concurrency test takes, without the noise of wall time. When the client's CPU is the
/// limit, its throughput is the inverse.
fn instructions_in_flight(base: &str) {
    if Command::new("valgrind").arg("--version").output().is_err() {
        println!("valgrind is not installed: skipped");
        return;
    }
    let count = |kind: Kind| {
        callgrind(kind, "count-starts", "measured_starts", STARTS, base) as f64 / STARTS as f64
    };
    let (hand, ours) = (count(Kind::Hand), count(Kind::Ours));
    println!("     hand: {hand:>9.0} instructions per start");
    println!(
        "     ours: {ours:>9.0} instructions per start, {:.3}x hand: {:.1}% of hand's starts per \
         instruction",
        ours / hand,
        100.0 * hand / ours
    );
}

fn callgrind(kind: Kind, mode: &str, function: &str, n: usize, base: &str) -> u64 {
    let out = std::env::temp_dir().join(format!("vonage-verify-callgrind-{}", std::process::id()));
    let output = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg("--collect-atstart=no")
        .arg(format!("--toggle-collect=overhead::{function}"))
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg(std::env::current_exe().expect("own path"))
        .args([mode, kind.name(), &n.to_string(), base])
        .output()
        .expect("valgrind runs");
    let _ = std::fs::remove_file(&out);
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "callgrind failed: {log}");
    // "==123== Collected : 456789"
    log.lines()
        .find_map(|line| line.split("Collected :").nth(1))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no total in callgrind's output: {log}"))
}
