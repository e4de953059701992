//! No secret in anything the crate prints or logs: every `tracing` event and span at TRACE
//! (and the `log` records of the HTTP stack), and the `Debug` and `Display` output of the
//! client, its configuration, and every value and error a full set of calls returns.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use httpmock::prelude::*;
use progenitor_client::ClientInfo as _;
use secrecy::ExposeSecret;
use serde_json::json;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;

use super::support::{
    BEARER, ID, PRIVATE_KEY, SECRET, SIGNATURE_SECRET, TEMPLATE, closed_port_url, everything,
};
use crate::v1::{Format, NetworkUnblock, Psd2Request, VerifyRequest};
use crate::v2::raw::types;
use crate::{Client, ClientBuilder, V2Auth};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

/// Where one event goes: the buffer, or nowhere.
struct Sink(Option<Captured>);

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Sink;

    fn make_writer(&'a self) -> Sink {
        Sink(Some(self.clone()))
    }

    /// The mock server logs the requests it receives, credentials included: that is the other
    /// side of the wire, not the client, so its output is left out.
    fn make_writer_for(&'a self, meta: &tracing::Metadata<'_>) -> Sink {
        Sink((!meta.target().starts_with("httpmock")).then(|| self.clone()))
    }
}

impl Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if let Some(Captured(buffer)) = &self.0 {
            buffer.lock().unwrap().extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Everything printed during the test, gathered for one search at the end.
#[derive(Default)]
struct Printed(Vec<String>);

impl Printed {
    fn debug(&mut self, value: &impl std::fmt::Debug) {
        self.0.push(format!("{value:?}"));
        self.0.push(format!("{value:#?}"));
    }

    fn both<T: std::fmt::Debug + std::fmt::Display>(&mut self, value: &T) {
        self.debug(value);
        self.0.push(value.to_string());
    }

    fn result<T: std::fmt::Debug>(&mut self, result: Result<T, crate::Error>) {
        match result {
            Ok(value) => self.debug(&value),
            Err(error) => self.both(&error),
        }
    }

    fn raw<T: std::fmt::Debug, E: std::fmt::Debug>(
        &mut self,
        result: Result<T, progenitor_client::Error<E>>,
    ) {
        match result {
            Ok(value) => self.debug(&value),
            Err(error) => self.0.push(format!("{error:?} / {error}")),
        }
    }
}

/// Calls every operation of both APIs through the typed error path and the raw clients.
async fn every_call(client: &Client, printed: &mut Printed) {
    let v1 = client.v1();
    let v2 = client.v2();
    printed.result(
        v1.call("verify_request", async |raw| {
            let body = crate::v1::raw::types::VerifyRequest::builder()
                .number("447700900000")
                .brand("Acme");
            raw.verify_request().body(body).send().await
        })
        .await,
    );
    printed.result(
        v1.call("verify_check", async |raw| {
            let body = crate::v1::raw::types::CheckRequest::builder()
                .request_id("abc")
                .code("1234");
            raw.verify_check().body(body).send().await
        })
        .await,
    );
    printed.result(
        v1.call("verify_search", async |raw| {
            raw.verify_search().request_id("abc").send().await
        })
        .await,
    );
    printed.result(
        v1.call("verify_control", async |raw| {
            let body = crate::v1::raw::types::ControlRequest::builder()
                .request_id("abc")
                .cmd(crate::v1::raw::types::ControlRequestCmd::Cancel);
            raw.verify_control().body(body).send().await
        })
        .await,
    );
    printed.result(
        v1.call("verify_request_with_psd2", async |raw| {
            let body = crate::v1::raw::types::Psd2Request::builder()
                .number("447700900000")
                .payee("Acme")
                .amount(rust_decimal::Decimal::new(1000, 2));
            raw.verify_request_with_psd2().body(body).send().await
        })
        .await,
    );
    printed.result(
        v1.call("network_unblock", async |raw| {
            let body =
                crate::v1::raw::types::NetworkUnblock::builder().network(Some("23410".to_string()));
            raw.network_unblock().body(body).send().await
        })
        .await,
    );

    let step = || types::NewRequestBodyWorkflowItem::Voice {
        to: "447700900000".parse().unwrap(),
        reuse_code: None,
    };
    printed.result(
        v2.call("new_request", async |raw| {
            let body = types::NewRequestBody::builder()
                .brand("ACME")
                .workflow(vec![step()]);
            raw.new_request().body(body).send().await
        })
        .await,
    );
    printed.result(
        v2.call("check_code", async |raw| {
            let body = types::CheckCodeBody::Code(types::CheckCodeByCode {
                code: "1234".parse().unwrap(),
            });
            raw.check_code().request_id(ID).body(body).send().await
        })
        .await,
    );
    printed.result(
        v2.call("cancel_request", async |raw| {
            raw.cancel_request().request_id(ID).send().await
        })
        .await,
    );
    printed.result(
        v2.call("next_workflow", async |raw| {
            raw.next_workflow().request_id(ID).send().await
        })
        .await,
    );
    printed.result(
        v2.call("silent_auth_check", async |raw| {
            raw.silent_auth_check().request_id(ID).send().await
        })
        .await,
    );
    printed.result(
        v2.call("list_templates", async |raw| {
            raw.list_templates().send().await
        })
        .await,
    );
    printed.result(
        v2.call("create_template", async |raw| {
            raw.create_template()
                .body(types::CreateTemplateBody::builder().name("t"))
                .send()
                .await
        })
        .await,
    );
    printed.result(
        v2.call("get_template", async |raw| {
            raw.get_template().template_id(TEMPLATE).send().await
        })
        .await,
    );
    printed.result(
        v2.call("delete_template", async |raw| {
            raw.delete_template().template_id(TEMPLATE).send().await
        })
        .await,
    );
    printed.result(
        v2.call("list_template_fragments", async |raw| {
            raw.list_template_fragments()
                .template_id(TEMPLATE)
                .send()
                .await
        })
        .await,
    );
    // The typed v1 API, in both formats.
    for api in [v1.clone(), v1.format(Format::Xml)] {
        let request = VerifyRequest::new("447700900000", "Acme").pin_code("98765");
        printed.result(api.request(&request).await);
        printed.debug(&request);
        printed.result(api.check("abc", "1234").await);
        printed.result(api.search("abc").await);
        printed.result(api.search_many(["abc", "def"]).await);
        printed.result(api.cancel("abc").await);
        let payment = Psd2Request::new("447700900000", "Acme", rust_decimal::Decimal::ONE);
        printed.result(api.psd2(&payment).await);
        printed.result(api.network_unblock(&NetworkUnblock::new("23410")).await);
    }
    // The typed v2 API.
    let start = crate::v2::StartRequest::new("ACME")
        .step(crate::v2::Step::sms("447700900000"))
        .code("zq9x8w");
    printed.debug(&start);
    printed.result(v2.start(&start).await);
    printed.result(v2.check_code(ID, "1234").await);
    printed.result(v2.cancel(ID).await);
    printed.result(v2.next_workflow(ID).await);
    printed.result(v2.templates_page(None, Some(10)).await);
    printed.result(v2.create_template("t").await);
    printed.result(v2.delete_fragment(TEMPLATE, ID).await);
    printed.result(
        v2.complete_silent_auth(
            &format!("{}/v2/verify/{ID}/silent-auth/redirect", v2.raw().baseurl()),
            None,
        )
        .await,
    );
    // The raw clients' own errors, for callers who use them directly.
    printed.raw(v2.raw().cancel_request().request_id(ID).send().await);
    printed.raw(v1.raw().verify_search().request_id("abc").send().await);
}

/// Servers for successes, documented errors, undocumented errors, oversized bodies and no
/// answer at all.
async fn servers() -> Vec<MockServer> {
    let ok = MockServer::start_async().await;
    ok.mock_async(|when, then| {
        when.path_prefix("/verify");
        then.status(200)
            .json_body(json!({"status": "0", "request_id": "abc"}));
    })
    .await;
    ok.mock_async(|when, then| {
        when.method(DELETE);
        then.status(204);
    })
    .await;
    ok.mock_async(|_, then| {
        then.status(200)
            .json_body(json!({"request_id": ID, "status": "completed"}));
    })
    .await;
    let problem = MockServer::start_async().await;
    problem
        .mock_async(|_, then| {
            then.status(401)
                .header("content-type", "application/problem+json")
                .header("x-vonage-trace-id", "trace-1")
                .json_body(
                    json!({"title": "Unauthorized", "detail": "Invalid credentials supplied"}),
                );
        })
        .await;
    let odd = MockServer::start_async().await;
    odd.mock_async(|_, then| {
        then.status(503).body("<html>maintenance</html>");
    })
    .await;
    let huge = MockServer::start_async().await;
    huge.mock_async(|_, then| {
        then.status(200).body("y".repeat(4096));
    })
    .await;
    let refused = MockServer::start_async().await;
    refused
        .mock_async(|_, then| {
            then.status(200)
                .json_body(json!({"status": "4", "error_text": "Bad Credentials"}));
        })
        .await;
    vec![ok, problem, odd, huge, refused]
}

fn secrets(client: &Client) -> Vec<String> {
    let jwt = client.application_jwt().unwrap().expose_secret().to_owned();
    let signature = jwt.rsplit('.').next().unwrap().to_owned();
    let mut secrets = vec![
        SECRET.to_owned(),
        "s3cr3t%21".to_owned(),
        // base64("abcd1234:s3cr3t!"), the Basic credential.
        "YWJjZDEyMzQ6czNjcjN0IQ".to_owned(),
        BEARER.to_owned(),
        SIGNATURE_SECRET.to_owned(),
        jwt,
        signature,
    ];
    secrets.extend(
        PRIVATE_KEY
            .lines()
            .filter(|line| !line.starts_with("-----"))
            .map(str::to_owned),
    );
    secrets
}

/// Sends every `tracing` event and span of the process, and every `log` record, to one buffer.
///
/// Process-wide rather than scoped to the test's thread: the test binary runs tests in
/// parallel, and tracing caches per call site whether anyone listens, which a thread-local
/// subscriber set later does not reliably override. Other tests' output lands here too, and is
/// checked with the rest.
fn capture() -> Captured {
    static CAPTURED: OnceLock<Captured> = OnceLock::new();
    CAPTURED
        .get_or_init(|| {
            let captured = Captured::default();
            let subscriber = tracing_subscriber::fmt()
                .with_max_level(tracing::Level::TRACE)
                .with_span_events(FmtSpan::FULL)
                .with_ansi(false)
                .with_writer(captured.clone())
                .finish();
            tracing::subscriber::set_global_default(subscriber).expect("no other subscriber");
            tracing_log::LogTracer::init().expect("no other logger");
            captured
        })
        .clone()
}

#[tokio::test]
async fn no_secret_is_ever_printed_or_logged() {
    let captured = capture();
    let mut printed = Printed::default();
    let servers = servers().await;
    let mut all_secrets = Vec::new();
    for auth in [V2Auth::Auto, V2Auth::Jwt, V2Auth::Basic] {
        for server in &servers {
            let builder: ClientBuilder = everything(server).v2_auth(auth).max_response_bytes(1024);
            printed.debug(&builder);
            let client = builder.build().unwrap();
            all_secrets.extend(secrets(&client));
            printed.debug(&client);
            printed.debug(client.v1());
            printed.debug(client.v2());
            every_call(&client, &mut printed).await;
        }
    }
    // No answer at all, and no credentials at all.
    let unreachable = everything(&servers[0])
        .base_url(closed_port_url())
        .build()
        .unwrap();
    every_call(&unreachable, &mut printed).await;
    let bare = Client::builder()
        .base_url(servers[0].base_url())
        .build()
        .unwrap();
    every_call(&bare, &mut printed).await;
    // Callbacks: one genuine, one for another account, one stale, one tampered with.
    let verifier = everything(&servers[0])
        .build()
        .unwrap()
        .webhook_verifier()
        .unwrap();
    printed.debug(&verifier);
    let body = br#"{"request_id":"r","type":"event","channel":"sms","status":"failed",
        "triggered_at":"2026-01-01T00:00:00Z","finalized_at":"2026-01-01T00:00:09Z"}"#;
    let signer = crate::webhook::testing::Signer::new(
        crate::SignatureSecret::new(SIGNATURE_SECRET),
        "abcd1234",
    );
    let token = signer.sign(body);
    let stale = signer
        .clone()
        .issued_at(std::time::SystemTime::UNIX_EPOCH)
        .sign(body);
    let other = crate::webhook::testing::Signer::new(
        crate::SignatureSecret::new(SIGNATURE_SECRET),
        "efgh5678",
    )
    .sign(body);
    for (token, body) in [
        (&token, &body[..]),
        (&stale, body),
        (&other, body),
        (&token, b"{}"),
    ] {
        all_secrets.push(token.clone());
        all_secrets.push(token.rsplit('.').next().unwrap().to_owned());
        match verifier.verify_and_parse(&format!("Bearer {token}"), body) {
            Ok(verified) => printed.debug(&verified),
            Err(error) => printed.both(&error),
        }
    }
    for refused in [
        everything(&servers[0]).base_url("https://abcd1234:s3cr3t!@api.nexmo.com"),
        everything(&servers[0]).user_agent(format!("agent\n{SECRET}")),
        everything(&servers[0]).base_url(format!("https://api.nexmo.com/?api_secret={SECRET}")),
        everything(&servers[0]).base_url(SECRET),
    ] {
        printed.both(&refused.build().unwrap_err());
    }

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    // The capture works: it holds the request spans with their fields.
    assert!(log.contains("vonage_verify.request"), "{log}");
    assert!(
        log.contains("operation=\"cancel_request\"") || log.contains("operation=cancel_request"),
        "{log}"
    );
    assert!(
        log.contains("trace_id=\"trace-1\"") || log.contains("trace_id=trace-1"),
        "{log}"
    );
    assert!(log.contains("callback refused"), "{log}");
    assert!(printed.0.iter().any(|p| p.contains("PayloadHash")));
    assert!(printed.0.iter().any(|p| p.contains("Verified")));
    assert!(printed.0.iter().any(|p| p.contains("MissingCredentials")));
    assert!(printed.0.iter().any(|p| p.contains("BodyTooLarge")));
    assert!(printed.0.iter().any(|p| p.contains("Transport")));
    assert!(printed.0.iter().any(|p| p.contains("V1Error")));
    assert!(printed.0.iter().any(|p| p.contains("Problem")));
    assert!(
        printed
            .0
            .iter()
            .all(|p| !p.contains("98765") && !p.contains("zq9x8w")),
        "a custom pin code is not printed"
    );

    all_secrets.sort();
    all_secrets.dedup();
    for secret in &all_secrets {
        if let Some(at) = log.find(secret.as_str()) {
            let start = log[..at].rfind('\n').map_or(0, |i| i + 1);
            panic!("a secret was logged: {}", &log[start..at]);
        }
        for text in &printed.0 {
            assert!(
                !text.contains(secret.as_str()),
                "a secret was printed: {secret} in {text}"
            );
        }
    }
}

/// With a retry policy and a subscriber, the request span wraps every try: the retries are
/// logged inside it, and it closes with the last answer's status. (The capture is the one
/// above, so these lines are checked for secrets too.)
#[tokio::test]
async fn retries_are_logged_inside_the_request_span() {
    let captured = capture();
    let server = MockServer::start_async().await;
    let busy = server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/verify/templates");
            then.status(503)
                .header("content-type", "application/problem+json")
                .header("x-vonage-trace-id", "trace-retried")
                .body(r#"{"title":"busy","detail":"try later"}"#);
        })
        .await;
    let client = everything(&server)
        .v2_auth(V2Auth::Basic)
        .retry(
            crate::RetryPolicy::new()
                .max_retries(2)
                .initial_backoff(std::time::Duration::from_millis(1))
                .max_backoff(std::time::Duration::from_millis(5)),
        )
        .build()
        .unwrap();
    let error = client.v2().templates_page(None, None).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503), "{error:?}");
    assert_eq!(busy.calls_async().await, 3, "one try and two retries");

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    // No other test of this binary sets a retry policy, so every `retrying` line is this one's.
    let in_span = |line: &&str| {
        line.contains("vonage_verify.request{")
            && (line.contains("operation=\"list_templates\"")
                || line.contains("operation=list_templates"))
    };
    let retries: Vec<&str> = log.lines().filter(|l| l.contains("retrying")).collect();
    assert_eq!(retries.len(), 2, "{log}");
    assert!(retries.iter().all(in_span), "{retries:#?}");
    assert!(
        log.lines().any(|line| in_span(&line)
            && line.contains("close")
            && line.contains("status=503")
            && line.contains("trace-retried")),
        "{log}"
    );
}
