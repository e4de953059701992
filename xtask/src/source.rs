//! Where a spec comes from: a URL or a file, in JSON or YAML, and how it is written back.

use std::io::Read;
use std::time::Duration;

/// A spec larger than this is refused; Vonage's are well under 1 MiB.
const MAX_SPEC_BYTES: u64 = 16 * 1024 * 1024;

/// Vonage's developer portal, which serves each published spec as JSON.
pub fn default_url(api: &str) -> &'static str {
    match api {
        "v1" => {
            "https://developer.vonage.com/api/v1/developer/api/file/verify?format=json&vendorId=vonage"
        }
        _ => {
            "https://developer.vonage.com/api/v1/developer/api/file/verify.v2?format=json&vendorId=vonage"
        }
    }
}

/// The text of a spec, read from `from`: an `http(s)://` URL or a path.
pub fn fetch(from: &str) -> Result<String, String> {
    if from.starts_with("http://") || from.starts_with("https://") {
        download(from)
    } else {
        std::fs::read_to_string(from).map_err(|e| format!("cannot read {from}: {e}"))
    }
}

fn download(url: &str) -> Result<String, String> {
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .user_agent(concat!("vonage-verify-xtask/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot start an HTTP client: {e}"))?;
    let response = client
        .get(url)
        .send()
        .map_err(|e| format!("download of {url} failed: {e}"))?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("download of {url} failed: HTTP {status}"));
    }
    let mut bytes = Vec::new();
    response
        .take(MAX_SPEC_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("download of {url} failed while reading: {e}"))?;
    if bytes.len() as u64 > MAX_SPEC_BYTES {
        return Err(format!("{url} is larger than {MAX_SPEC_BYTES} bytes"));
    }
    String::from_utf8(bytes).map_err(|_| format!("{url} is not UTF-8 text"))
}

/// Parses JSON or YAML into a document, keeping the source's key order, and checks that it
/// looks like an OpenAPI document.
pub fn parse(text: &str) -> Result<serde_norway::Value, String> {
    // YAML 1.2 reads JSON too, but serde_json's messages are clearer for JSON input.
    let value: serde_norway::Value = if text.trim_start().starts_with('{') {
        let json: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
        // Read again as YAML to keep the source's key order; JSON indented with tabs is not
        // YAML, and then the (sorted) JSON reading is used.
        match serde_norway::from_str(text) {
            Ok(value) => value,
            Err(_) => {
                serde_norway::to_value(json).map_err(|e| format!("cannot convert the JSON: {e}"))?
            }
        }
    } else {
        serde_norway::from_str(text).map_err(|e| format!("not valid YAML: {e}"))?
    };
    match value.get("openapi") {
        Some(serde_norway::Value::String(_)) => Ok(value),
        _ => Err("not an OpenAPI document (no `openapi` version at the top level)".into()),
    }
}

/// The document as YAML, the same bytes for the same document.
pub fn to_yaml(doc: &serde_norway::Value) -> Result<String, String> {
    serde_norway::to_string(doc).map_err(|e| format!("cannot write YAML: {e}"))
}

/// The document in JSON form, with keys sorted, for comparing.
pub fn to_json(doc: &serde_norway::Value) -> Result<serde_json::Value, String> {
    serde_json::to_value(doc).map_err(|e| format!("cannot read the document as JSON: {e}"))
}
