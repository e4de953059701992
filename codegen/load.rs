//! Reading a spec: JSON or YAML into `openapiv3::OpenAPI`, refusing what progenitor cannot take.

use openapiv3::OpenAPI;

use super::PipelineError;

/// Parses JSON or YAML text and checks the OpenAPI version.
pub fn parse(text: &str) -> Result<OpenAPI, PipelineError> {
    // JSON is a subset of YAML, but serde_json's errors are far clearer for the portal's JSON files.
    let doc: OpenAPI = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| PipelineError::Parse(e.to_string()))?
    } else {
        serde_norway::from_str(text).map_err(|e| PipelineError::Parse(e.to_string()))?
    };
    // progenitor only understands 3.0.x; checking here gives a message instead of its error text.
    if !doc.openapi.starts_with("3.0.") {
        return Err(PipelineError::Unsupported(format!(
            "OpenAPI version {} (only 3.0.x can be generated)",
            doc.openapi
        )));
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_yaml_and_json_alike() {
        let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
        let json = r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{}}"#;
        assert_eq!(parse(yaml).unwrap(), parse(json).unwrap());
    }

    #[test]
    fn refuses_openapi_3_1() {
        let yaml = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n";
        let err = parse(yaml).unwrap_err();
        assert!(err.to_string().contains("3.1.0"), "{err}");
    }

    #[test]
    fn reports_malformed_text() {
        assert!(matches!(
            parse("openapi: [").unwrap_err(),
            PipelineError::Parse(_)
        ));
    }
}
