//! The `vonage-verify-mock` binary as another language's test suite runs it: flags and
//! `VONAGE_MOCK_*` variables, the URL on the first line, HTTPS, and a clean stop on SIGTERM.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};

const BINARY: &str = env!("CARGO_BIN_EXE_vonage-verify-mock");

/// The mock, started with `args` and `env` on a free port, and the URL it printed.
async fn spawn(args: &[&str], env: &[(&str, &str)]) -> (Child, String) {
    let mut command = Command::new(BINARY);
    command
        .args(["--port", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command.spawn().expect("the binary starts");
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    tokio::time::timeout(
        Duration::from_secs(20),
        BufReader::new(stdout).read_line(&mut line),
    )
    .await
    .expect("the URL in time")
    .unwrap();
    (child, line.trim().to_owned())
}

/// Sends SIGTERM and returns the exit status's success and what the mock wrote to stderr.
async fn terminate(mut child: Child) -> (bool, String) {
    let pid = child.id().unwrap().to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .expect("it stops in time")
        .unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .await
        .unwrap();
    (status.success(), stderr)
}

#[tokio::test]
async fn it_prints_its_url_serves_both_apis_and_stops_on_sigterm() {
    let (child, url) = spawn(&[], &[]).await;
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let http = reqwest::Client::new();
    let started = http
        .post(format!("{url}/v2/verify"))
        .basic_auth("mockkey1", Some("mock-secret"))
        .json(&json!({"brand": "ACME", "workflow": [{"channel": "sms", "to": "447700900301"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), StatusCode::ACCEPTED);
    let request_id = started.json::<Value>().await.unwrap()["request_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let inbox: Value = http
        .get(format!("{url}/_mock/inbox?request_id={request_id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = inbox[0]["code"].as_str().unwrap();
    let checked = http
        .post(format!("{url}/v2/verify/{request_id}"))
        .basic_auth("mockkey1", Some("mock-secret"))
        .json(&json!({"code": code}))
        .send()
        .await
        .unwrap();
    assert_eq!(checked.status(), StatusCode::OK);
    let v1 = http
        .post(format!("{url}/verify/json"))
        .form(&[
            ("api_key", "mockkey1"),
            ("api_secret", "mock-secret"),
            ("number", "447700900302"),
            ("brand", "ACME"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(v1.json::<Value>().await.unwrap()["status"], "0");

    let (clean, stderr) = terminate(child).await;
    assert!(clean, "{stderr}");
    assert!(stderr.contains("stopped"), "{stderr}");
    assert!(!stderr.contains("mock-secret"), "{stderr}");
}

#[tokio::test]
async fn variables_configure_it_as_flags_do() {
    let dir = tempdir();
    let public_key = dir.join("application.pem");
    std::fs::write(&public_key, crate::support::PUBLIC_KEY).unwrap();
    let (child, url) = spawn(
        &["--blocked-network", "23410"],
        &[
            ("VONAGE_MOCK_API_KEY", "anotherkey"),
            ("VONAGE_MOCK_API_SECRET", "another-secret"),
            ("VONAGE_MOCK_APPLICATION_ID", crate::support::APPLICATION_ID),
            ("VONAGE_MOCK_PUBLIC_KEY", public_key.to_str().unwrap()),
            ("VONAGE_MOCK_CLOCK", "manual"),
            ("VONAGE_MOCK_CLOCK_START", "1790000000"),
        ],
    )
    .await;
    let client = vonage_verify::Client::builder()
        .base_url(&url)
        .api_key(vonage_verify::ApiKey::new("anotherkey", "another-secret"))
        .application(
            crate::support::APPLICATION_ID,
            crate::support::private_key(),
        )
        .build()
        .unwrap();
    // JWTs of the application given, and the key given for v1.
    let started = client
        .v2()
        .start(
            &vonage_verify::v2::StartRequest::new("ACME")
                .step(vonage_verify::v2::Step::silent_auth("447700900303")),
        )
        .await
        .unwrap();
    assert!(!started.request_id.is_empty());
    client
        .v1()
        .network_unblock(&vonage_verify::v1::NetworkUnblock::new("23410"))
        .await
        .unwrap();
    let clock: Value = reqwest::get(format!("{url}/_mock/clock"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        clock,
        json!({"now": "2026-09-21T14:13:20Z", "manual": true})
    );
    let (clean, stderr) = terminate(child).await;
    assert!(clean, "{stderr}");
    assert!(!stderr.contains("another-secret"), "{stderr}");
}

#[tokio::test]
async fn it_serves_https_with_a_self_signed_certificate_it_writes_out() {
    let dir = tempdir();
    let cert = dir.join("mock.pem");
    let (child, url) = spawn(&["--self-signed", cert.to_str().unwrap()], &[]).await;
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let trusted = reqwest::Certificate::from_pem(&std::fs::read(&cert).unwrap()).unwrap();
    let https = reqwest::Client::builder()
        .add_root_certificate(trusted)
        .build()
        .unwrap();
    let clock = https
        .get(format!("{url}/_mock/clock"))
        .send()
        .await
        .unwrap();
    assert_eq!(clock.status(), StatusCode::OK);
    // A client that does not trust it gets no answer.
    assert!(reqwest::get(format!("{url}/_mock/clock")).await.is_err());
    let (clean, stderr) = terminate(child).await;
    assert!(clean, "{stderr}");
}

#[tokio::test]
async fn it_serves_https_with_a_certificate_it_is_given() {
    let dir = tempdir();
    let generated = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert, generated.cert.pem()).unwrap();
    std::fs::write(&key, generated.signing_key.serialize_pem()).unwrap();
    let (child, url) = spawn(
        &[],
        &[
            ("VONAGE_MOCK_TLS_CERT", cert.to_str().unwrap()),
            ("VONAGE_MOCK_TLS_KEY", key.to_str().unwrap()),
        ],
    )
    .await;
    let https = reqwest::Client::builder()
        .add_root_certificate(
            reqwest::Certificate::from_pem(generated.cert.pem().as_bytes()).unwrap(),
        )
        .build()
        .unwrap();
    let inbox = https
        .get(format!("{url}/_mock/inbox"))
        .send()
        .await
        .unwrap();
    assert_eq!(inbox.status(), StatusCode::OK);
    terminate(child).await;
}

#[tokio::test]
async fn help_lists_every_flag_and_variable_and_bad_ones_are_refused() {
    let help = Command::new(BINARY).arg("--help").output().await.unwrap();
    assert!(help.status.success());
    let text = String::from_utf8(help.stdout).unwrap();
    for (flag, variable) in [
        ("--port", "VONAGE_MOCK_PORT"),
        ("--bind", "VONAGE_MOCK_BIND"),
        ("--api-key", "VONAGE_MOCK_API_KEY"),
        ("--api-secret", "VONAGE_MOCK_API_SECRET"),
        ("--application-id", "VONAGE_MOCK_APPLICATION_ID"),
        ("--public-key", "VONAGE_MOCK_PUBLIC_KEY"),
        ("--webhook-url", "VONAGE_MOCK_WEBHOOK_URL"),
        ("--signature-secret", "VONAGE_MOCK_SIGNATURE_SECRET"),
        ("--clock", "VONAGE_MOCK_CLOCK"),
        ("--clock-start", "VONAGE_MOCK_CLOCK_START"),
        ("--blocked-network", "VONAGE_MOCK_BLOCKED_NETWORKS"),
        ("--tls-cert", "VONAGE_MOCK_TLS_CERT"),
        ("--tls-key", "VONAGE_MOCK_TLS_KEY"),
        ("--self-signed", "VONAGE_MOCK_SELF_SIGNED"),
        ("--public-url", "VONAGE_MOCK_PUBLIC_URL"),
        ("--quiet", "VONAGE_MOCK_QUIET"),
    ] {
        assert!(
            text.contains(flag) && text.contains(variable),
            "{flag}: {text}"
        );
    }
    // The mock's own default credentials are no secret: a reader of --help can use them.
    assert!(
        text.contains("mockkey1") && text.contains("mock-secret"),
        "{text}"
    );
    let key = Command::new(BINARY)
        .arg("--print-private-key")
        .output()
        .await
        .unwrap();
    let key = String::from_utf8(key.stdout).unwrap();
    assert_eq!(key, vonage_verify_mock::MOCK_PRIVATE_KEY);

    for (args, says) in [
        (
            &["--clock-start", "5"][..],
            "--clock-start needs --clock manual",
        ),
        (&["--tls-cert", "a.pem"][..], "--tls-key"),
        (
            &["--public-key", "missing.pem", "--application-id", "x"][..],
            "missing.pem",
        ),
        (
            &["--clock", "manual", "--clock-start", "999999999999999"][..],
            "past the year 9999",
        ),
    ] {
        let output = Command::new(BINARY)
            .args(["--port", "0"])
            .args(args)
            .output()
            .await
            .unwrap();
        assert!(!output.status.success(), "{args:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}

/// A fresh folder under the target directory's temp space, removed by the OS eventually.
fn tempdir() -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(uuid::Uuid::new_v4().to_string());
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn it_logs_a_line_per_request_and_refuses_a_private_key_given_as_public() {
    let (child, url) = spawn(&[], &[]).await;
    reqwest::get(format!("{url}/verify/search/json?request_id=x"))
        .await
        .unwrap();
    let (_, stderr) = terminate(child).await;
    assert!(
        stderr.contains("GET /verify/search/json -> 200"),
        "{stderr}"
    );

    let dir = tempdir();
    let private = dir.join("private.key");
    std::fs::write(&private, crate::support::PRIVATE_KEY).unwrap();
    let output = Command::new(BINARY)
        .args(["--port", "0", "--application-id", "x", "--public-key"])
        .arg(&private)
        .output()
        .await
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("this is a private key"), "{stderr}");
}

#[tokio::test]
async fn behind_a_public_url_the_urls_it_writes_use_it() {
    let (child, url) = spawn(
        &[
            "--bind",
            "0.0.0.0",
            "--public-url",
            "http://verify-mock:4010/",
        ],
        &[],
    )
    .await;
    assert_eq!(url, "http://verify-mock:4010");
    let (_, stderr) = terminate(child).await;
    assert!(!stderr.contains("--public-url"), "{stderr}");
    let (child, url) = spawn(&["--bind", "0.0.0.0"], &[]).await;
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let (_, stderr) = terminate(child).await;
    assert!(stderr.contains("set --public-url"), "{stderr}");
}
