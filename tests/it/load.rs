//! Many verifications at once through one client, against the mock.

use std::sync::Arc;

use vonage_verify::v2::{StartRequest, Step};
use vonage_verify_mock::MockServer;

const VERIFICATIONS: usize = 1_000;
const IN_FLIGHT: usize = 32;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_verifications_through_one_client() {
    let mock = Arc::new(MockServer::start().await.unwrap());
    let client = mock
        .client_builder()
        .max_in_flight(IN_FLIGHT)
        .build()
        .unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..VERIFICATIONS {
        let (client, mock) = (client.clone(), Arc::clone(&mock));
        tasks.spawn(async move {
            let number = format!("4477009{i:05}");
            let started = client
                .v2()
                .start(&StartRequest::new("ACME").step(Step::sms(&number)))
                .await?;
            let code = mock
                .code(&started.request_id)
                .expect("the mock sent a code");
            client.v2().check_code(&started.request_id, &code).await?;
            Ok::<_, vonage_verify::Error>(started.request_id)
        });
    }
    let mut ids = Vec::with_capacity(VERIFICATIONS);
    while let Some(joined) = tasks.join_next().await {
        ids.push(
            joined
                .expect("no task panicked")
                .expect("no request failed"),
        );
    }
    ids.sort();
    ids.dedup();
    assert_eq!(
        ids.len(),
        VERIFICATIONS,
        "every verification has its own id"
    );
    // A slot is given back when the body has been read, a moment before hyper puts the
    // connection back in its pool, so the next request sometimes opens a new one: a few more
    // than IN_FLIGHT (38 for 32 when this was written), but nowhere near one per request.
    let connections = mock.connections();
    assert!(
        (1..=2 * IN_FLIGHT).contains(&connections),
        "{connections} connections for {IN_FLIGHT} requests in flight at most"
    );
    // Two requests per verification went over those connections.
    let requests = mock.requests().len();
    assert_eq!(requests, 2 * VERIFICATIONS);
}

#[tokio::test]
async fn max_in_flight_must_be_positive() {
    let err = vonage_verify::Client::builder()
        .max_in_flight(0)
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("max_in_flight"), "{err}");
}
