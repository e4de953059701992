//! The README's main command, `cargo run -p vonage-verify-mock --example quickstart`, run to
//! completion on the mock.

#[path = "../../examples/quickstart.rs"]
#[allow(dead_code)]
mod example;

use vonage_verify_mock::MockServer;

#[tokio::test]
async fn the_quickstart_flow_completes_on_the_mock() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client().unwrap();
    let codes = example::Codes::Mock(mock);
    example::run(&client, &codes, "447700900002")
        .await
        .expect("both flows complete");
    let example::Codes::Mock(mock) = codes else {
        unreachable!()
    };
    // v2: start, wrong, right; v1: request, wrong, right, search.
    let paths: Vec<String> = mock.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths.len(), 7, "{paths:?}");
    assert_eq!(paths[0], "/v2/verify");
    assert_eq!(paths[6], "/verify/search/json");
}
