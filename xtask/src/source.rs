//! Where a spec comes from: a URL or a file, in JSON or YAML, and how it is written back.

use std::io::Read;
use std::time::Duration;

use crate::codegen;

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
        return download(from);
    }
    let size = std::fs::metadata(from)
        .map_err(|e| format!("cannot read {from}: {e}"))?
        .len();
    if size > MAX_SPEC_BYTES {
        return Err(format!("{from} is larger than {MAX_SPEC_BYTES} bytes"));
    }
    std::fs::read_to_string(from).map_err(|e| format!("cannot read {from}: {e}"))
}

/// The error and its causes, which reqwest keeps apart (`error sending request` alone does
/// not say that the connection was refused).
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
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
        .map_err(|e| format!("download of {url} failed: {}", chain(&e)))?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("download of {url} failed: HTTP {status}"));
    }
    let mut bytes = Vec::new();
    response
        .take(MAX_SPEC_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("download of {url} failed while reading: {}", chain(&e)))?;
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
        // Read again as YAML to keep the source's key order. YAML refuses tabs as
        // indentation; in valid JSON a raw tab can only be whitespace between tokens (inside
        // strings it must be escaped), so turning tabs into spaces changes nothing else.
        match codegen::load::yaml_value(&text.replace('\t', " ")) {
            Ok(value) => value,
            Err(_) => {
                serde_norway::to_value(json).map_err(|e| format!("cannot convert the JSON: {e}"))?
            }
        }
    } else {
        codegen::load::yaml_value(text).map_err(|e| format!("not valid YAML: {e}"))?
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_keys_become_strings() {
        let doc = parse("openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        200:\n          description: ok\n").unwrap();
        assert!(doc["paths"]["/a"]["get"]["responses"].get("200").is_some());
        // Written back as serde_norway writes string keys, and read again as a string.
        let yaml = to_yaml(&doc).unwrap();
        let again = parse(&yaml).unwrap();
        assert!(
            again["paths"]["/a"]["get"]["responses"]
                .get("200")
                .is_some(),
            "{yaml}"
        );
    }

    #[test]
    fn tab_indented_json_keeps_its_key_order() {
        let doc = parse("{\n\t\"openapi\": \"3.0.3\",\n\t\"zeta\": 1,\n\t\"alpha\": \"a\\tb\"\n}")
            .unwrap();
        let yaml = to_yaml(&doc).unwrap();
        assert_eq!(yaml, "openapi: 3.0.3\nzeta: 1\nalpha: \"a\\tb\"\n");
    }
}
