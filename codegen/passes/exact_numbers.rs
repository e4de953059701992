//! Marks every `type: number` as an exact decimal.
//!
//! Vonage writes money as `type: number, format: float` (the PSD2 `amount`), which typify turns
//! into `f32`: 1234567.89 cannot be represented and is sent rounded. The marked schema is mapped
//! to `rust_decimal::Decimal` by a progenitor conversion (see `generate::settings`). The
//! conversion matches whole schemas, so numeric bounds are dropped here; Vonage's numbers carry
//! none, and the server validates amounts anyway.

use openapiv3::{NumberType, OpenAPI, SchemaKind, Type, VariantOrUnknownOrEmpty};

use crate::codegen::{Config, walk};

const FORMAT: &str = "decimal";

/// The schema (as typify sees it) that the decimal conversion matches.
pub fn decimal_schema() -> schemars::schema::SchemaObject {
    schemars::schema::SchemaObject {
        instance_type: Some(schemars::schema::InstanceType::Number.into()),
        format: Some(FORMAT.into()),
        ..Default::default()
    }
}

/// Rewrites number schemas to `{type: number, format: decimal}`, keeping their documentation.
pub fn run(doc: &mut OpenAPI, _: &Config) -> Vec<String> {
    let mut count = 0;
    walk::every_schema_mut(doc, &mut |s| {
        if let SchemaKind::Type(Type::Number(n)) = &mut s.schema_kind
            && n.enumeration.is_empty()
            && !matches!(&n.format, VariantOrUnknownOrEmpty::Unknown(f) if f == FORMAT)
        {
            *n = NumberType {
                format: VariantOrUnknownOrEmpty::Unknown(FORMAT.into()),
                ..Default::default()
            };
            count += 1;
        }
    });
    if count == 0 {
        Vec::new()
    } else {
        vec![format!("{count} number(s) made exact decimals")]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::passes::{json, spec};

    #[test]
    fn numbers_become_decimals_and_integers_do_not() {
        let mut doc = spec(
            r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Pay:
      type: object
      properties:
        amount: {type: number, format: float, minimum: 0, description: euros}
        count: {type: integer}
"#,
        );
        assert_eq!(
            run(&mut doc, &Config::default()),
            ["1 number(s) made exact decimals"]
        );
        let pay = &json(&doc)["components"]["schemas"]["Pay"]["properties"];
        assert_eq!(
            pay["amount"],
            serde_json::json!({"type": "number", "format": "decimal", "description": "euros"})
        );
        assert_eq!(pay["count"], serde_json::json!({"type": "integer"}));
        assert!(run(&mut doc, &Config::default()).is_empty(), "idempotent");
    }
}
