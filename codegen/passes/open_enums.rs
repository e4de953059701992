//! Opens string enums on the receiving side: `oneOf: [the enum, any string]`.
//!
//! A closed enum fails to decode the first time Vonage adds a status or a channel. typify turns
//! the opened form into an enum whose last variant keeps the unknown text. Schemas the client
//! sends stay closed, so callers cannot send a value the spec does not list; a component schema
//! used on both sides stays closed too, and is reported.

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaData, SchemaKind, StringType, Type};

use crate::codegen::{Config, walk};

/// Opens the string enums of everything the client receives (see [`walk::received_mut`]).
pub fn run(doc: &mut OpenAPI, _: &Config) -> Vec<String> {
    let mut count = 0;
    let mut notes = walk::received_mut(doc, &mut |schema, context| {
        count += open_all(schema, context)
    });
    if count > 0 {
        notes.push(format!("opened {count} string enum(s)"));
    }
    notes
}

/// Opens every closed string enum in `schema`; returns how many it opened. `context` says where
/// the schema sits (e.g. `verifySearch status`) and makes the generated type names unique.
fn open_all(schema: &mut Schema, context: &str) -> usize {
    if opened_values(schema).is_some() {
        return 0;
    }
    if matches!(&schema.schema_kind, SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty())
    {
        *schema = opened(schema.clone(), context);
        return 1;
    }
    walk::named_children_mut(schema)
        .into_iter()
        .map(|(name, child)| open_all(child, &format!("{context} {name}")))
        .sum()
}

/// The opened form of a string enum: the enum, or any other string. Documentation stays on the
/// outer schema so it lands on the generated type.
///
/// typify names an untagged enum's variants after its members' titles, minus their common
/// words, and names the known values' type after its title: titles `<context> Known` and
/// `<context> Unknown` give `Known(<Context>Known)` and `Unknown(String)` rather than
/// `Variant0`/`Variant1`, with a type name unique to where the enum sits.
pub fn opened(mut closed: Schema, context: &str) -> Schema {
    let data = std::mem::take(&mut closed.schema_data);
    closed.schema_data.title = Some(format!("{context} {KNOWN}"));
    let any_string = Schema {
        schema_data: SchemaData {
            title: Some(format!("{context} {UNKNOWN}")),
            ..Default::default()
        },
        schema_kind: SchemaKind::Type(Type::String(StringType::default())),
    };
    Schema {
        schema_data: SchemaData {
            default: None,
            ..data
        },
        schema_kind: SchemaKind::OneOf {
            one_of: vec![ReferenceOr::Item(closed), ReferenceOr::Item(any_string)],
        },
    }
}

const KNOWN: &str = "Known";
const UNKNOWN: &str = "Unknown";

/// The known values of a schema in opened form, or `None` if it is not one.
pub fn opened_values(schema: &Schema) -> Option<Vec<String>> {
    let SchemaKind::OneOf { one_of } = &schema.schema_kind else {
        return None;
    };
    let [ReferenceOr::Item(known), ReferenceOr::Item(rest)] = one_of.as_slice() else {
        return None;
    };
    let (SchemaKind::Type(Type::String(k)), SchemaKind::Type(Type::String(r))) =
        (&known.schema_kind, &rest.schema_kind)
    else {
        return None;
    };
    (!k.enumeration.is_empty() && r.enumeration.is_empty())
        .then(|| k.enumeration.iter().flatten().cloned().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::passes::{json, spec};

    #[test]
    fn opens_received_enums_and_keeps_sent_ones_closed() {
        let mut doc = spec(
            r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /x:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                cmd: {type: string, enum: [cancel, next]}
                locale: {$ref: '#/components/schemas/Locale'}
      operationId: x
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  status: {type: string, enum: ['IN PROGRESS', DONE], description: state}
                  locale: {$ref: '#/components/schemas/Locale'}
components:
  schemas:
    Locale: {type: string, enum: [en-us, fr-fr]}
    Hook:
      type: object
      properties:
        channel: {type: string, enum: [sms]}
"#,
        );
        let notes = run(&mut doc, &Config::default());
        let d = json(&doc);
        let op = &d["paths"]["/x"]["post"];
        let sent = &op["requestBody"]["content"]["application/json"]["schema"]["properties"]["cmd"];
        assert_eq!(
            sent["enum"],
            serde_json::json!(["cancel", "next"]),
            "request enums stay closed"
        );
        let status = &op["responses"]["200"]["content"]["application/json"]["schema"]["properties"]
            ["status"];
        assert_eq!(status["description"], "state");
        assert_eq!(
            status["oneOf"][0]["enum"],
            serde_json::json!(["IN PROGRESS", "DONE"])
        );
        assert_eq!(status["oneOf"][0]["title"], "x status Known");
        assert_eq!(
            status["oneOf"][1],
            serde_json::json!({"type": "string", "title": "x status Unknown"})
        );
        assert_eq!(
            d["components"]["schemas"]["Hook"]["properties"]["channel"]["oneOf"][1]["type"],
            "string"
        );
        assert_eq!(
            d["components"]["schemas"]["Locale"]["enum"],
            serde_json::json!(["en-us", "fr-fr"])
        );
        assert_eq!(
            notes,
            [
                "schema Locale is both sent and received; left as the sender's",
                "opened 2 string enum(s)"
            ]
        );
        // Running again changes nothing: opened enums are recognised.
        assert_eq!(run(&mut doc, &Config::default()).len(), 1);
    }
}
