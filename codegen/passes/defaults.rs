//! Removes `default` from every schema.
//!
//! A default describes what the server does when a field is absent. typify turns an inline
//! default into a non-optional field with `#[serde(default)]`, so a request always sends it
//! (`lg=en-us` overrode the locale Vonage picks from the number) and a response reports a value
//! the server never sent. Without defaults, unset fields stay `None` and are not sent.

use openapiv3::OpenAPI;

use crate::codegen::{Config, walk};

/// Clears `default` everywhere: components, parameters, bodies and responses.
pub fn run(doc: &mut OpenAPI, _: &Config) -> Vec<String> {
    let mut count = 0;
    walk::every_schema_mut(doc, &mut |s| {
        count += usize::from(s.schema_data.default.take().is_some())
    });
    if count == 0 {
        Vec::new()
    } else {
        vec![format!("removed {count} default(s)")]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::passes::{json, spec};

    #[test]
    fn removes_defaults_from_components_and_parameters() {
        let mut doc = spec(
            r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get:
      parameters:
        - {name: page, in: query, schema: {type: integer, default: 1}}
      responses: {'200': {description: ok}}
components:
  schemas:
    Start:
      type: object
      properties:
        lg: {type: string, enum: [en-us, fr-fr], default: en-us}
        wait: {type: integer, minimum: 60, default: 300}
"#,
        );
        assert_eq!(run(&mut doc, &Config::default()), ["removed 3 default(s)"]);
        let text = json(&doc).to_string();
        assert!(!text.contains("\"default\""), "{text}");
        assert!(text.contains("\"minimum\":60"), "constraints stay: {text}");
    }
}
