//! Costs measured in one process, each against its baseline in the same run:
//! - an application JWT from the cache vs. minted for every request;
//! - a v1 search reply (10 checks, 10 events) decoded from XML vs. from JSON, and the cost of
//!   reading the XML's events alone (the floor for any decoder on quick-xml);
//! - verifying a signed 2 KB webhook vs. the floor: one HMAC-SHA256 of the token plus one
//!   SHA-256 of the body.
//!
//! `cargo bench --bench micro`. Each figure is the best of several rounds, the rounds of the
//! two sides interleaved, so a busy machine slows both alike.

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use aws_lc_rs::{digest, hmac};
use vonage_verify::v1::decode_xml;
use vonage_verify::v1::raw::types::VerifySearchResponse;
use vonage_verify::webhook::Verifier;
use vonage_verify::webhook::testing::Signer;
use vonage_verify::{Client, Clock, JwtOptions, PrivateKey, SignatureSecret};

const APPLICATION_ID: &str = "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab";
const PRIVATE_KEY: &str = include_str!("../tests/fixtures/keys/rsa-private.pem");

/// `cargo bench --bench micro [-- jwt|xml|webhook]`: all three, or the one named.
fn main() {
    let only = std::env::args().nth(1).filter(|a| !a.starts_with('-'));
    let run = |name: &str| only.as_deref().is_none_or(|o| o == name);
    if run("jwt") {
        println!("## Application JWT per request");
        jwt();
    }
    if run("xml") {
        println!("\n## v1 search reply, 10 checks and 10 events: decode");
        xml_vs_json();
    }
    if run("webhook") {
        println!("\n## Webhook verification, 2 KB body");
        webhook();
    }
}

/// Nanoseconds per call of `f`: the best of `rounds` rounds of `iterations` calls.
fn per_call(iterations: u32, mut f: impl FnMut()) -> f64 {
    let started = Instant::now();
    for _ in 0..iterations {
        f();
    }
    started.elapsed().as_secs_f64() * 1e9 / f64::from(iterations)
}

/// Runs `a` and `b` in alternating rounds; the best per-call time of each.
fn compare(iterations: u32, mut a: impl FnMut(), mut b: impl FnMut()) -> (f64, f64) {
    let (mut best_a, mut best_b) = (f64::MAX, f64::MAX);
    for _ in 0..7 {
        best_a = best_a.min(per_call(iterations, &mut a));
        best_b = best_b.min(per_call(iterations, &mut b));
    }
    (best_a, best_b)
}

/// A clock an hour further on at every reading, so no token is ever fresh enough to reuse.
#[derive(Debug)]
struct Racing(AtomicU64);

impl Clock for Racing {
    fn now(&self) -> SystemTime {
        let hours = self.0.fetch_add(1, Ordering::Relaxed);
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_790_000_000 + hours * 3600)
    }
}

fn jwt() {
    let client = |clock: Option<Arc<dyn Clock>>| {
        let key = PrivateKey::from_pem(PRIVATE_KEY).expect("the test key loads");
        let builder = Client::builder()
            .application(APPLICATION_ID, key)
            .jwt_options(JwtOptions::default());
        match clock {
            Some(clock) => builder.clock(clock),
            None => builder,
        }
        .build()
        .expect("client")
    };
    let cached = client(None);
    let minting = client(Some(Arc::new(Racing(AtomicU64::new(0)))));
    let (cached_ns, minted_ns) = compare(
        200,
        || {
            black_box(cached.application_jwt().expect("token"));
        },
        || {
            black_box(minting.application_jwt().expect("token"));
        },
    );
    println!("   minted: {:>10.0} ns per request", minted_ns);
    println!(
        "   cached: {:>10.0} ns per request, {:.3}% of minting",
        cached_ns,
        100.0 * cached_ns / minted_ns
    );
}

/// The same reply in both formats, as the service writes them.
fn search_reply() -> (String, String) {
    let checks: Vec<(String, String, &str)> = (0..10)
        .map(|n| {
            (
                format!("2026-11-22 10:{n:02}:00"),
                format!("12{n:02}"),
                if n == 9 { "VALID" } else { "INVALID" },
            )
        })
        .collect();
    let events: Vec<(&str, String)> = (0..10)
        .map(|n| {
            (
                if n % 2 == 0 { "sms" } else { "tts" },
                format!("0A0000000123ABCD{n}"),
            )
        })
        .collect();
    let json_checks: Vec<String> = checks
        .iter()
        .map(|(date, code, status)| {
            format!(
                r#"{{"date_received":"{date}","code":"{code}","status":"{status}","ip_address":""}}"#
            )
        })
        .collect();
    let json_events: Vec<String> = events
        .iter()
        .map(|(kind, id)| format!(r#"{{"type":"{kind}","id":"{id}"}}"#))
        .collect();
    let json = format!(
        r#"{{"request_id":"abcdef0123456789abcdef0123456789","account_id":"abcdef01","number":"447700900000","sender_id":"verify","date_submitted":"2026-11-22 10:00:00","date_finalized":"2026-11-22 10:09:00","checks":[{}],"first_event_date":"2026-11-22 10:00:00","last_event_date":"2026-11-22 10:05:00","price":"0.10000000","currency":"EUR","status":"SUCCESS","events":[{}],"estimated_price_messages_sent":"0.03330000"}}"#,
        json_checks.join(","),
        json_events.join(",")
    );
    let xml_checks: String = checks
        .iter()
        .map(|(date, code, status)| {
            format!(
                "    <check>\n      <date_received>{date}</date_received>\n      <code>{code}</code>\n      <status>{status}</status>\n      <ip_address />\n    </check>\n"
            )
        })
        .collect();
    let xml_events: String = events
        .iter()
        .map(|(kind, id)| {
            format!("    <event>\n      <type>{kind}</type>\n      <id>{id}</id>\n    </event>\n")
        })
        .collect();
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<verify_request>\n  <request_id>abcdef0123456789abcdef0123456789</request_id>\n  <account_id>abcdef01</account_id>\n  <number>447700900000</number>\n  <sender_id>verify</sender_id>\n  <date_submitted>2026-11-22 10:00:00</date_submitted>\n  <date_finalized>2026-11-22 10:09:00</date_finalized>\n  <checks>\n{xml_checks}  </checks>\n  <first_event_date>2026-11-22 10:00:00</first_event_date>\n  <last_event_date>2026-11-22 10:05:00</last_event_date>\n  <price>0.10000000</price>\n  <currency>EUR</currency>\n  <status>SUCCESS</status>\n  <events>\n{xml_events}  </events>\n  <estimated_price_messages_sent>0.03330000</estimated_price_messages_sent>\n</verify_request>\n"
    );
    (json, xml)
}

fn xml_vs_json() {
    let (json, xml) = search_reply();
    let from_json: VerifySearchResponse = serde_json::from_str(&json).expect("JSON decodes");
    let from_xml: VerifySearchResponse =
        decode_xml("verify_search", xml.as_bytes()).expect("XML decodes");
    assert_eq!(from_json, from_xml, "both formats decode to the same reply");
    let (json_ns, xml_ns) = compare(
        2_000,
        || {
            black_box(
                serde_json::from_slice::<VerifySearchResponse>(black_box(json.as_bytes()))
                    .expect("JSON"),
            );
        },
        || {
            black_box(
                decode_xml::<VerifySearchResponse>("verify_search", black_box(xml.as_bytes()))
                    .expect("XML"),
            );
        },
    );
    // The floor of any decoder built on quick-xml: reading the events and nothing else.
    let (_, events_ns) = compare(
        2_000,
        || {},
        || {
            black_box(xml_events(black_box(&xml)));
        },
    );
    println!("     JSON: {:>8.0} ns ({} bytes)", json_ns, json.len());
    println!(
        "      XML: {:>8.0} ns ({} bytes), {:.2}x JSON",
        xml_ns,
        xml.len(),
        xml_ns / json_ns
    );
    println!(
        "   floor: {:>8.0} ns to read quick-xml's events alone, {:.2}x JSON",
        events_ns,
        events_ns / json_ns
    );
}

/// Reads every event of `xml` and the text of each, as a decoder must, and does nothing with
/// them.
fn xml_events(xml: &str) -> usize {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut seen = 0;
    loop {
        match reader.read_event().expect("well-formed") {
            Event::Eof => return seen,
            Event::Start(start) | Event::Empty(start) => seen += start.name().into_inner().len(),
            Event::Text(text) => seen += text.xml10_content().len(),
            _ => seen += 1,
        }
    }
}

fn webhook() {
    let secret = SignatureSecret::new("a signature secret of 32 bytes!!");
    let filler = "x".repeat(2048 - 200);
    let body = format!(
        r#"{{"request_id":"c11236f4-00bf-4b89-84ba-88b25df97315","triggered_at":"2026-11-22T10:00:00.000Z","type":"event","channel":"sms","status":"completed","finalized_at":"2026-11-22T10:00:05.000Z","client_ref":"{filler}"}}"#
    );
    let authorization = Signer::new(secret.clone(), "abcd1234").authorization(body.as_bytes());
    let verifier = Verifier::new(secret).api_key("abcd1234");
    verifier
        .verify(&authorization, body.as_bytes())
        .expect("the token verifies");

    // The floor: what any verifier must compute, and nothing else.
    let token = authorization.trim_start_matches("Bearer ");
    let signing_input = &token[..token.rfind('.').expect("a JWT")];
    let key = hmac::Key::new(hmac::HMAC_SHA256, b"a signature secret of 32 bytes!!");
    let (verify_ns, floor_ns) = compare(
        5_000,
        || {
            black_box(
                verifier
                    .verify(black_box(&authorization), black_box(body.as_bytes()))
                    .expect("verifies"),
            );
        },
        || {
            black_box(hmac::sign(&key, black_box(signing_input.as_bytes())));
            black_box(digest::digest(&digest::SHA256, black_box(body.as_bytes())));
        },
    );
    println!(
        "    floor: {:>8.0} ns (HMAC-SHA256 of the token, SHA-256 of the body)",
        floor_ns
    );
    println!(
        "   verify: {:>8.0} ns ({} byte body), {:.2}x the floor",
        verify_ns,
        body.len(),
        verify_ns / floor_ns
    );
}
