//! Entry points for the fuzz targets in `fuzz/` (feature `fuzzing`; not part of the API).
//!
//! Each one runs untrusted bytes through the same steps as a real reply or callback, and
//! throws the result away: a fuzz target only has to show that no input panics, loops or
//! exhausts memory. They live in the crate because the steps are private.

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
use serde::de::DeserializeOwned;

use crate::error::ResponseContext;
use crate::v1::raw::{XML, types};
use crate::v1::replies::Reply;

fn reply(operation: &'static str) -> Reply {
    Reply {
        operation,
        status: StatusCode::OK,
        trace_id: None,
    }
}

/// `json` decoded as each v1 reply, then checked as the typed API checks it.
fn v1_replies(json: &[u8]) {
    fn typed<T: DeserializeOwned>(json: &[u8]) -> Option<T> {
        serde_json::from_slice(json).ok()
    }
    if let Some(r) = typed::<types::VerifyRequestResponse>(json) {
        let _ = reply("verify_request").started(r);
    }
    if let Some(r) = typed::<types::VerifyRequestWithPsd2Response>(json) {
        let _ = reply("verify_request_with_psd2").started_psd2(r);
    }
    if let Some(r) = typed::<types::VerifyCheckResponse>(json) {
        let _ = reply("verify_check").checked(r);
    }
    if let Some(r) = typed::<types::VerifySearchResponse>(json) {
        let _ = reply("verify_search").searched(r);
    }
    if let Some(r) = typed::<types::VerifyControlResponse>(json) {
        let _ = reply("verify_control").controlled(r);
    }
}

/// A v1 JSON reply body.
pub fn v1_json(data: &[u8]) {
    v1_replies(data);
}

/// A v1 XML reply body, read as each operation that has an XML form.
pub fn v1_xml(data: &[u8]) {
    for shape in XML {
        if let Ok(json) = crate::v1::xml::to_json(shape, crate::v1::xml::OBSERVED_ROOTS, data) {
            v1_replies(&json);
        }
    }
}

/// A v2 error reply: the first byte picks the status, the next up to 32 bytes are a
/// `Retry-After` value, and the rest is the body. The retry policy reads the same header.
pub fn v2_problem(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let statuses = [400, 401, 402, 403, 404, 409, 410, 412, 422, 429, 500, 503];
    let status = StatusCode::from_u16(statuses[usize::from(pick) % statuses.len()])
        .unwrap_or(StatusCode::BAD_REQUEST);
    let split = rest.len().min(32);
    let (after, body) = rest.split_at(split);
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_bytes(after) {
        headers.insert(RETRY_AFTER, value);
    }
    let context = ResponseContext {
        status: Some(status),
        ..ResponseContext::new("new_request")
    };
    let now = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_790_000_000);
    let mask = crate::error::Mask::new([zeroize::Zeroizing::new("fuzzing-secret".to_owned())]);
    let error = crate::call::status_error(context, Some(&headers), body, now, &mask);
    // Formatting walks everything the error holds.
    let _ = (error.to_string(), format!("{error:?}"));
    let attempt = crate::retry::Attempt::Answered(status, headers.get(RETRY_AFTER));
    let _ = crate::RetryPolicy::new()
        .without_jitter()
        .decide(true, 0, attempt, now);
}

/// A webhook: the bytes up to the first newline are the `Authorization` header, the rest
/// is the body. That header is almost always refused, which is the path a hostile sender
/// takes; the body is then also sent with a valid signature, to reach the parser.
pub fn webhook(data: &[u8]) {
    let (header, body) = match data.iter().position(|&b| b == b'\n') {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[][..]),
    };
    let Ok(header) = std::str::from_utf8(header) else {
        return;
    };
    let secret = || crate::SignatureSecret::new("fuzzing-secret-fuzzing-secret-32");
    let verifier = crate::webhook::Verifier::new(secret());
    let _ = verifier.verify_and_parse(header, body);
    // The same body signed as Vonage signs it, so that the body hash, the claims and the
    // payload are checked too.
    let signed = crate::webhook::testing::Signer::new(secret(), "fuzz").authorization(body);
    let _ = verifier.verify_and_parse(&signed, body);
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// The seed corpus in `fuzz/seeds/<target>`, which must not be empty.
    fn seeds(target: &str) -> Vec<Vec<u8>> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz/seeds")
            .join(target);
        let seeds: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| std::fs::read(entry.unwrap().path()).unwrap())
            .collect();
        assert!(!seeds.is_empty(), "{target} has seeds");
        seeds
    }

    #[test]
    fn the_seeds_run_and_reach_the_decoders() {
        for seed in seeds("v1_json") {
            assert!(serde_json::from_slice::<serde_json::Value>(&seed).is_ok());
            super::v1_json(&seed);
        }
        for seed in seeds("v1_xml") {
            let decoded = super::XML.iter().any(|shape| {
                crate::v1::xml::to_json(shape, crate::v1::xml::OBSERVED_ROOTS, &seed).is_ok()
            });
            assert!(decoded, "{}", String::from_utf8_lossy(&seed));
            super::v1_xml(&seed);
        }
        for seed in seeds("v2_problem") {
            super::v2_problem(&seed);
        }
        for seed in seeds("webhook") {
            super::webhook(&seed);
        }
    }
}
