//! OpenAPI Overlay 1.0 documents, applied to a spec before it is normalised.
//!
//! A spec under `specs/` is a base that follows Vonage's published document; everything we know
//! beyond it (additions, fixes) is an overlay action there, with the reason in its
//! description. The pipeline applies the overlays to our base or to any other copy of the spec
//! (Vonage's own file, say), so a published update builds as it comes.
//!
//! Semantics are the Overlay specification's: actions run in order, each on the result of the
//! ones before; `target` is an RFC 9535 JSONPath (through `serde_json_path`); `update` is
//! merged recursively into each selected object, or appended to each selected array;
//! `remove: true` takes each selected node out of its parent. Where the specification leaves
//! room, the choices are ours, and each one keeps an action harmless once Vonage's document
//! says what it adds (so a refresh can report it as no longer needed):
//! - appending an entry an array already holds adds nothing (in an OpenAPI document a repeated
//!   `oneOf` member, `required` name or parameter means nothing, or is invalid);
//! - within a merge, a list gains the entries it lacks rather than being replaced: `enum:
//!   [blocked]` adds a status and keeps the ones Vonage lists, `required: [brand]` adds a name;
//!   other values replace what was there;
//! - an action with `x-unless` (a JSONPath) does not apply to a document in which that path
//!   selects anything: it is how an action says which variant of a document it is for (our
//!   security schemes, for one, are for a document that declares none);
//! - a removal may select any node, a string in a `required` list included (an update needs an
//!   object or an array); and a removal that selects nothing in a container that is there
//!   (`required[?@ == 'from']` in a list without `from`, `pin_code['minimum','maximum']` on a
//!   property without them) has nothing left to do: it changed nothing, as an update does once
//!   the document says what it adds. A removal whose container is gone has no target: the
//!   document may have renamed what it was for, and someone must look.
//!
//! Each action is named by `x-name` (its target when it has none). One whose target selects
//! nothing, where it applies, is an error that names it: the document it was written for has
//! changed under it. An overlay that only describes (our prose) says `x-missing-targets: skip`:
//! a description of an object Vonage removed has nothing left to describe, and must not stop a
//! build from their document; its outcome is still reported.
//!
//! Documents are `serde_norway` values, which keep the order of keys: the generated code
//! follows the spec's order (of paths, of a body's fields). JSONPath is evaluated on a
//! `serde_json` copy, whose normalized paths (member names and array indices) lead to the same
//! nodes of the ordered document.

use std::fmt;

use serde_json_path::JsonPath;
use serde_norway::{Mapping, Value};

use super::PipelineError;

/// One overlay document.
#[derive(Debug, Clone)]
pub struct Overlay {
    /// Where it was read from, for messages.
    pub source: String,
    /// Its `info.title`.
    pub title: String,
    /// `x-missing-targets: skip`: an action whose target selects nothing is passed over (and
    /// reported) rather than an error.
    pub skips_missing: bool,
    pub actions: Vec<Action>,
}

/// One action of an overlay.
#[derive(Debug, Clone)]
pub struct Action {
    /// `x-name`, or the target.
    pub name: String,
    pub target: String,
    pub description: Option<String>,
    pub update: Option<Value>,
    pub remove: bool,
    /// `x-unless`: the action is not applicable to a document where this selects anything.
    pub unless: Option<String>,
    path: JsonPath,
    unless_path: Option<JsonPath>,
    /// For a removal: what its last segment selects from.
    container: Option<JsonPath>,
}

/// What an action did, or would do, to a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It changed the document, at this many of the nodes its target selected.
    Changed(usize),
    /// Its target selected nodes, and applying it changed nothing: the document already says
    /// what it adds.
    Unchanged,
    /// Its `x-unless` path selects something: it is not for this document.
    NotApplicable,
    /// Its target selects no object or array.
    NoTarget,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Changed(1) => f.write_str("changed 1 place"),
            Outcome::Changed(n) => write!(f, "changed {n} places"),
            Outcome::Unchanged => f.write_str("changed nothing: the document already has it"),
            Outcome::NotApplicable => f.write_str("not applicable to this document"),
            Outcome::NoTarget => f.write_str("its target selects no object or array"),
        }
    }
}

/// Reads an overlay document (YAML or JSON); `source` names it in messages.
pub fn parse(text: &str, source: &str) -> Result<Overlay, PipelineError> {
    let fail = |message: String| PipelineError::Overlay(format!("{source}: {message}"));
    let doc = super::load::value(text).map_err(|e| fail(e.to_string()))?;
    match doc.get("overlay").and_then(Value::as_str) {
        Some(version) if version.starts_with("1.0") => {}
        Some(version) => return Err(fail(format!("overlay version {version} is not 1.0"))),
        None => {
            return Err(fail(
                "not an overlay document (no `overlay` version)".into(),
            ));
        }
    }
    let title = doc
        .get("info")
        .and_then(|info| info.get("title"))
        .and_then(Value::as_str)
        .ok_or_else(|| fail("no info.title".into()))?
        .to_owned();
    let skips_missing = match doc.get("x-missing-targets").map(Value::as_str) {
        None | Some(Some("fail")) => false,
        Some(Some("skip")) => true,
        Some(_) => {
            return Err(fail(
                "x-missing-targets is neither `fail` nor `skip`".into(),
            ));
        }
    };
    let actions = doc
        .get("actions")
        .and_then(Value::as_sequence)
        .filter(|actions| !actions.is_empty())
        .ok_or_else(|| fail("no actions".into()))?;
    let actions = actions
        .iter()
        .enumerate()
        .map(|(index, action)| {
            read_action(action).map_err(|e| fail(format!("action {}: {e}", index + 1)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Overlay {
        source: source.to_owned(),
        title,
        skips_missing,
        actions,
    })
}

fn read_action(action: &Value) -> Result<Action, String> {
    let text = |key: &str| action.get(key).and_then(Value::as_str).map(str::to_owned);
    let target = text("target").ok_or("no target")?;
    let path = JsonPath::parse(&target).map_err(|e| format!("target {target}: {e}"))?;
    let unless = text("x-unless");
    let unless_path = unless
        .as_deref()
        .map(|u| JsonPath::parse(u).map_err(|e| format!("x-unless {u}: {e}")))
        .transpose()?;
    let remove = match action.get("remove") {
        None => false,
        Some(Value::Bool(remove)) => *remove,
        Some(_) => return Err("remove is not a boolean".into()),
    };
    let update = action.get("update").cloned();
    if !remove && update.is_none() {
        return Err(format!("{target}: neither update nor remove"));
    }
    let container = container(&target)
        .filter(|_| remove)
        .and_then(|container| JsonPath::parse(container).ok());
    Ok(Action {
        name: text("x-name").unwrap_or_else(|| target.clone()),
        target,
        description: text("description"),
        update,
        remove,
        unless,
        path,
        unless_path,
        container,
    })
}

/// The part of `target` before its last segment: `$.a.list[?@ == 'x']` and `$.a.list.b` give
/// `$.a.list`. `None` for the root alone, or text that is no query.
fn container(target: &str) -> Option<&str> {
    let mut depth = 0usize;
    let mut quote = None;
    let mut escaped = false;
    let mut last = None;
    for (index, c) in target.char_indices() {
        if let Some(q) = quote {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                _ if c == q => quote = None,
                _ => {}
            }
            continue;
        }
        match c {
            '\'' | '"' => quote = Some(c),
            '[' => {
                if depth == 0 {
                    last = Some(index);
                }
                depth += 1;
            }
            ']' => depth = depth.checked_sub(1)?,
            '.' if depth == 0 => last = Some(index),
            _ => {}
        }
    }
    let start = last.filter(|_| depth == 0)?;
    let container = &target[..start];
    // `$..x` has no container of its own.
    (!container.is_empty() && !container.ends_with('.')).then_some(container)
}

/// Applies `overlays` to `doc` in order; the outcome of each action, or an error naming the
/// first action whose target selects nothing (in an overlay that does not skip those).
pub fn apply(
    doc: &mut Value,
    overlays: &[Overlay],
) -> Result<Vec<(String, Outcome)>, PipelineError> {
    let mut outcomes = Vec::new();
    for overlay in overlays {
        for action in &overlay.actions {
            let outcome = action.apply(doc);
            if outcome == Outcome::NoTarget && !overlay.skips_missing {
                return Err(PipelineError::Overlay(format!(
                    "{}: action `{}` selects no object or array with its target {}",
                    overlay.source, action.name, action.target
                )));
            }
            outcomes.push((action.name.clone(), outcome));
        }
    }
    Ok(outcomes)
}

/// Each action's outcome, as [`apply`] would have it, without stopping at a target that
/// selects nothing; `doc` ends as the actions that could run left it.
pub fn outcomes(doc: &mut Value, overlays: &[Overlay]) -> Vec<(String, Outcome)> {
    overlays
        .iter()
        .flat_map(|overlay| &overlay.actions)
        .map(|action| (action.name.clone(), action.apply(doc)))
        .collect()
}

/// One step of a normalized path: a member name or an array index.
#[derive(Debug, Clone)]
enum Step {
    Name(String),
    Index(usize),
}

impl Action {
    /// Applies the action to `doc` and says what it did.
    pub fn apply(&self, doc: &mut Value) -> Outcome {
        // A document that is not JSON (a YAML tag, say) selects nothing.
        let json = serde_json::to_value(&*doc).unwrap_or_default();
        if let Some(unless) = &self.unless_path
            && !unless.query(&json).is_empty()
        {
            return Outcome::NotApplicable;
        }
        let located = self.path.query_located(&json);
        // An update needs an object (to merge into) or an array (to append to); a removal can
        // take any node out of its parent.
        let mut targets: Vec<Vec<Step>> = located
            .iter()
            .filter(|node| self.remove || node.node().is_object() || node.node().is_array())
            .map(|node| {
                node.location()
                    .iter()
                    .map(|element| match element.as_index() {
                        Some(index) => Step::Index(index),
                        None => Step::Name(element.as_name().unwrap_or_default().to_owned()),
                    })
                    .collect()
            })
            .collect();
        if targets.is_empty() {
            let nothing_to_remove = self
                .container
                .as_ref()
                .is_some_and(|container| !container.query(&json).is_empty());
            return if nothing_to_remove {
                Outcome::Unchanged
            } else {
                Outcome::NoTarget
            };
        }
        let changed = if self.remove {
            // Later array items first, so that removing one does not move the next.
            targets.sort_by(|a, b| compare(b, a));
            targets.iter().filter(|path| remove(doc, path)).count()
        } else {
            let update = self.update.as_ref().unwrap_or(&Value::Null);
            targets
                .iter()
                .filter(|path| node_mut(doc, path).is_some_and(|node| update_node(node, update)))
                .count()
        };
        if changed == 0 {
            Outcome::Unchanged
        } else {
            Outcome::Changed(changed)
        }
    }
}

/// Orders paths so that, among siblings in one array, the higher index comes first when the
/// order is reversed.
fn compare(a: &[Step], b: &[Step]) -> std::cmp::Ordering {
    for (x, y) in a.iter().zip(b) {
        let order = match (x, y) {
            (Step::Index(x), Step::Index(y)) => x.cmp(y),
            (Step::Name(x), Step::Name(y)) => x.cmp(y),
            (Step::Index(_), Step::Name(_)) => std::cmp::Ordering::Less,
            (Step::Name(_), Step::Index(_)) => std::cmp::Ordering::Greater,
        };
        if order.is_ne() {
            return order;
        }
    }
    a.len().cmp(&b.len())
}

fn node_mut<'a>(doc: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter().try_fold(doc, |node, step| match step {
        Step::Name(name) => node.as_mapping_mut()?.get_mut(name.as_str()),
        Step::Index(index) => node.as_sequence_mut()?.get_mut(*index),
    })
}

/// Takes the node at `path` out of its parent; whether there was one.
fn remove(doc: &mut Value, path: &[Step]) -> bool {
    let Some((last, parent)) = path.split_last() else {
        // The whole document: the specification removes nodes from their parents only.
        return false;
    };
    match (node_mut(doc, parent), last) {
        (Some(Value::Mapping(map)), Step::Name(name)) => map.shift_remove(name.as_str()).is_some(),
        (Some(Value::Sequence(items)), Step::Index(index)) if *index < items.len() => {
            items.remove(*index);
            true
        }
        _ => false,
    }
}

/// Merges `update` into an object, or appends it to an array; whether `node` changed.
fn update_node(node: &mut Value, update: &Value) -> bool {
    match node {
        Value::Sequence(items) => {
            if items.contains(update) {
                return false;
            }
            items.push(update.clone());
            true
        }
        Value::Mapping(map) => match update {
            Value::Mapping(update) => merge(map, update),
            // An object can only take an object's properties.
            _ => false,
        },
        _ => false,
    }
}

/// Recursive merge: objects merge member by member, a list gains the entries it lacks (in
/// the update's order, after its own), anything else replaces what was there.
fn merge(map: &mut Mapping, update: &Mapping) -> bool {
    let mut changed = false;
    for (key, value) in update {
        match (map.get_mut(key), value) {
            (Some(Value::Mapping(inner)), Value::Mapping(update)) => {
                changed |= merge(inner, update);
            }
            (Some(Value::Sequence(items)), Value::Sequence(update)) => {
                for item in update {
                    if !items.contains(item) {
                        items.push(item.clone());
                        changed = true;
                    }
                }
            }
            (Some(old), new) if old == new => {}
            (_, new) => {
                map.insert(key.clone(), new.clone());
                changed = true;
            }
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn overlay(actions: serde_json::Value) -> Overlay {
        let text =
            json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": actions});
        parse(&text.to_string(), "test overlay").unwrap()
    }

    /// A document's value as JSON, for comparing.
    fn j(value: &Value) -> serde_json::Value {
        serde_json::to_value(value).unwrap()
    }

    fn pets() -> Value {
        serde_norway::to_value(json!({
            "openapi": "3.0.3",
            "paths": {
                "/pets": {"get": {"parameters": [
                    {"name": "limit", "in": "query", "required": true},
                    {"name": "page", "in": "query"},
                    {"name": "sort", "in": "query"}
                ]}},
                "/pets/{id}": {"get": {"parameters": [{"name": "id", "in": "path"}]}}
            },
            "components": {"schemas": {"Pet": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}}}
        }))
        .unwrap()
    }

    #[test]
    fn update_merges_objects_recursively_and_replaces_scalars() {
        let mut doc = pets();
        let outcomes = apply(
            &mut doc,
            &[overlay(json!([{
                "target": "$.components.schemas.Pet",
                "update": {"properties": {"age": {"type": "integer"}}, "required": ["name", "age"], "x-new": 1}
            }]))],
        )
        .unwrap();
        assert_eq!(
            outcomes,
            [("$.components.schemas.Pet".into(), Outcome::Changed(1))]
        );
        let doc = j(&doc);
        let pet = &doc["components"]["schemas"]["Pet"];
        assert_eq!(pet["properties"]["name"], json!({"type": "string"}), "kept");
        assert_eq!(
            pet["properties"]["age"],
            json!({"type": "integer"}),
            "added"
        );
        assert_eq!(pet["required"], json!(["name", "age"]), "gained `age`");
        assert_eq!(pet["x-new"], 1);
    }

    #[test]
    fn update_appends_to_arrays_once() {
        let mut doc = pets();
        let add = overlay(json!([{
            "x-name": "add-q",
            "target": "$.paths['/pets'].get.parameters",
            "update": {"name": "q", "in": "query"}
        }]));
        assert_eq!(
            apply(&mut doc, std::slice::from_ref(&add)).unwrap()[0].1,
            Outcome::Changed(1)
        );
        assert_eq!(
            j(&doc)["paths"]["/pets"]["get"]["parameters"][3]["name"],
            "q"
        );
        // Applied again, it finds the entry there and adds nothing.
        assert_eq!(
            apply(&mut doc, &[add]).unwrap()[0],
            ("add-q".into(), Outcome::Unchanged)
        );
        assert_eq!(
            j(&doc)["paths"]["/pets"]["get"]["parameters"]
                .as_array()
                .unwrap()
                .len(),
            4
        );
    }

    #[test]
    fn targets_select_one_many_or_none() {
        let mut doc = pets();
        // A filter selecting one parameter.
        let one = overlay(json!([{
            "target": "$.paths['/pets'].get.parameters[?@.name == 'limit']",
            "update": {"required": false}
        }]));
        assert_eq!(apply(&mut doc, &[one]).unwrap()[0].1, Outcome::Changed(1));
        assert_eq!(
            j(&doc)["paths"]["/pets"]["get"]["parameters"][0]["required"],
            false
        );
        // A wildcard selecting every operation.
        let many = overlay(json!([{"target": "$.paths.*.get", "update": {"x-safe": true}}]));
        assert_eq!(apply(&mut doc, &[many]).unwrap()[0].1, Outcome::Changed(2));
        assert_eq!(j(&doc)["paths"]["/pets/{id}"]["get"]["x-safe"], true);
        // None: an error naming the action and its target.
        let none = overlay(json!([{
            "x-name": "fix-owners",
            "target": "$.paths['/owners'].get",
            "update": {"x-safe": true}
        }]));
        let error = apply(&mut doc, &[none]).unwrap_err().to_string();
        assert!(
            error.contains("fix-owners") && error.contains("$.paths['/owners'].get"),
            "{error}"
        );
    }

    #[test]
    fn an_update_of_primitives_selects_nothing_and_a_removal_takes_them() {
        let mut doc = pets();
        let update = overlay(json!([{"target": "$.openapi", "update": {"x": 1}}]));
        assert!(apply(&mut doc, &[update]).is_err());
        assert_eq!(j(&doc)["openapi"], "3.0.3");
        let remove =
            overlay(json!([{"target": "$.components.schemas.Pet.required[0]", "remove": true}]));
        assert_eq!(
            apply(&mut doc, &[remove]).unwrap()[0].1,
            Outcome::Changed(1)
        );
        assert_eq!(
            j(&doc)["components"]["schemas"]["Pet"]["required"],
            json!([])
        );
    }

    #[test]
    fn remove_takes_nodes_out_of_objects_and_arrays() {
        let mut doc = pets();
        let outcomes = apply(
            &mut doc,
            &[overlay(json!([
                {"target": "$.paths['/pets'].get.parameters[?@.name != 'page']", "remove": true},
                {"target": "$.components.schemas.Pet.required", "remove": true}
            ]))],
        )
        .unwrap();
        assert_eq!(outcomes[0].1, Outcome::Changed(2), "both, from the back");
        assert_eq!(
            j(&doc)["paths"]["/pets"]["get"]["parameters"],
            json!([{"name": "page", "in": "query"}])
        );
        assert!(
            j(&doc)["components"]["schemas"]["Pet"]
                .get("required")
                .is_none()
        );
    }

    #[test]
    fn actions_run_in_order_on_what_the_ones_before_left() {
        let mut doc = pets();
        let outcomes = apply(
            &mut doc,
            &[overlay(json!([
                {"target": "$.components.schemas", "update": {"Owner": {"type": "object"}}},
                {"target": "$.components.schemas.Owner", "update": {"properties": {"pets": {"type": "array"}}}},
                {"target": "$.components.schemas.Owner", "remove": true}
            ]))],
        )
        .unwrap();
        assert_eq!(
            outcomes.iter().map(|(_, o)| *o).collect::<Vec<_>>(),
            [
                Outcome::Changed(1),
                Outcome::Changed(1),
                Outcome::Changed(1)
            ]
        );
        assert!(j(&doc)["components"]["schemas"].get("Owner").is_none());
    }

    #[test]
    fn x_unless_says_which_documents_an_action_is_for() {
        let secure = overlay(json!([{
            "x-name": "security",
            "x-unless": "$.security",
            "target": "$",
            "update": {"security": [{"basic": []}]}
        }]));
        let mut plain = pets();
        assert_eq!(
            apply(&mut plain, std::slice::from_ref(&secure)).unwrap()[0].1,
            Outcome::Changed(1)
        );
        let mut declared = pets();
        if let Value::Mapping(map) = &mut declared {
            map.insert(
                "security".into(),
                serde_norway::to_value(json!([{"token": []}])).unwrap(),
            );
        }
        assert_eq!(
            apply(&mut declared, &[secure]).unwrap()[0].1,
            Outcome::NotApplicable
        );
        assert_eq!(j(&declared)["security"], json!([{"token": []}]));
    }

    #[test]
    fn outcomes_report_every_action_without_stopping() {
        let mut doc = pets();
        let report = outcomes(
            &mut doc,
            &[overlay(json!([
                {"x-name": "gone", "target": "$.paths['/owners']", "update": {"x": 1}},
                {"x-name": "same", "target": "$.components.schemas.Pet", "update": {"type": "object"}},
                {"x-name": "new", "target": "$.components.schemas.Pet", "update": {"x": 1}}
            ]))],
        );
        assert_eq!(
            report,
            [
                ("gone".into(), Outcome::NoTarget),
                ("same".into(), Outcome::Unchanged),
                ("new".into(), Outcome::Changed(1))
            ]
        );
    }

    #[test]
    fn a_merged_list_gains_what_it_lacks_and_keeps_the_rest() {
        let mut doc = pets();
        let blocked = overlay(json!([{
            "target": "$.components.schemas.Pet",
            "update": {"required": ["name", "age"], "properties": {"name": {"enum": ["rex"]}}}
        }]));
        let report = apply(&mut doc, std::slice::from_ref(&blocked)).unwrap();
        assert_eq!(report[0].1, Outcome::Changed(1));
        let pet = &j(&doc)["components"]["schemas"]["Pet"];
        assert_eq!(pet["required"], json!(["name", "age"]));
        assert_eq!(pet["properties"]["name"]["enum"], json!(["rex"]));
        // Once the document has them, in whatever order and with more besides, nothing to do.
        let mut caught_up = pets();
        if let Value::Mapping(map) = &mut caught_up {
            let pet = map["components"]["schemas"]["Pet"]
                .as_mapping_mut()
                .unwrap();
            pet.insert(
                "required".into(),
                serde_norway::to_value(json!(["age", "id", "name"])).unwrap(),
            );
            pet["properties"]["name"].as_mapping_mut().unwrap().insert(
                "enum".into(),
                serde_norway::to_value(json!(["tom", "rex"])).unwrap(),
            );
        }
        let report = apply(&mut caught_up, &[blocked]).unwrap();
        assert_eq!(report[0].1, Outcome::Unchanged);
        assert_eq!(
            j(&caught_up)["components"]["schemas"]["Pet"]["required"],
            json!(["age", "id", "name"])
        );
    }

    #[test]
    fn a_removal_is_done_once_nothing_is_left_where_it_looks() {
        let mut doc = pets();
        if let Value::Mapping(map) = &mut doc {
            let pet = map["components"]["schemas"]["Pet"]
                .as_mapping_mut()
                .unwrap();
            pet.insert(
                "required".into(),
                serde_norway::to_value(json!(["id", "name"])).unwrap(),
            );
        }
        let optional_name = overlay(json!([{
            "x-name": "name-optional",
            "target": "$.components.schemas.Pet.required[?@ == 'name']",
            "remove": true
        }]));
        let report = apply(&mut doc, std::slice::from_ref(&optional_name)).unwrap();
        assert_eq!(report[0].1, Outcome::Changed(1));
        assert_eq!(
            j(&doc)["components"]["schemas"]["Pet"]["required"],
            json!(["id"])
        );
        // The document says it now: nothing to do, which is not the same as nothing to find.
        let report = apply(&mut doc, std::slice::from_ref(&optional_name)).unwrap();
        assert_eq!(report[0].1, Outcome::Unchanged);
        // The schema gone (renamed, say): that is a conflict.
        let mut renamed = pets();
        if let Value::Mapping(map) = &mut renamed {
            map["components"]["schemas"]
                .as_mapping_mut()
                .unwrap()
                .shift_remove("Pet");
        }
        assert!(apply(&mut renamed, &[optional_name]).is_err());
        // Keys by name: removed once, then nothing left to remove.
        let untyped = overlay(json!([{
            "target": "$.components.schemas.Pet['type','x-gone']",
            "remove": true
        }]));
        let mut doc = pets();
        let report = apply(&mut doc, std::slice::from_ref(&untyped)).unwrap();
        assert_eq!(report[0].1, Outcome::Changed(1));
        let report = apply(&mut doc, &[untyped]).unwrap();
        assert_eq!(report[0].1, Outcome::Unchanged);

        assert_eq!(container("$.a.b[?@ == 'x']"), Some("$.a.b"));
        assert_eq!(container("$.a['b]'][?@ == ']']"), Some("$.a['b]']"));
        assert_eq!(container("$.a[?@.x][0]"), Some("$.a[?@.x]"));
        assert_eq!(container("$.a[?@.x].b"), Some("$.a[?@.x]"));
        assert_eq!(container("$.a.b"), Some("$.a"));
        assert_eq!(container("$.a['x.y']"), Some("$.a"));
        assert_eq!(container("$.a.b[ ?@ == 'x']"), Some("$.a.b"));
        assert_eq!(container("$"), None);
        // A descendant segment has no container that is a query of its own: the removal is
        // still valid, and one that matches nothing has no target.
        assert_eq!(container("$..x"), None);
        let anywhere = overlay(json!([{"target": "$..[?@ == 'nothing']", "remove": true}]));
        assert!(anywhere.actions[0].container.is_none());
    }

    #[test]
    fn a_describing_overlay_skips_what_is_gone_and_says_so() {
        let mut describing = overlay(json!([
            {"target": "$.paths['/owners']", "update": {"description": "Owners."}},
            {"target": "$.components.schemas.Pet", "update": {"description": "A pet."}}
        ]));
        let mut doc = pets();
        assert!(apply(&mut doc, std::slice::from_ref(&describing)).is_err());
        describing.skips_missing = true;
        let mut doc = pets();
        let report = apply(&mut doc, &[describing]).unwrap();
        assert_eq!(report[0].1, Outcome::NoTarget);
        assert_eq!(report[1].1, Outcome::Changed(1));
        assert_eq!(
            j(&doc)["components"]["schemas"]["Pet"]["description"],
            "A pet."
        );

        let text = json!({"overlay": "1.0.0", "info": {"title": "t"}, "x-missing-targets": "skip",
            "actions": [{"target": "$", "update": {}}]});
        assert!(parse(&text.to_string(), "t").unwrap().skips_missing);
        let text = json!({"overlay": "1.0.0", "info": {"title": "t"}, "x-missing-targets": "maybe",
            "actions": [{"target": "$", "update": {}}]});
        assert!(parse(&text.to_string(), "t").is_err());
    }

    #[test]
    fn malformed_overlays_are_refused_with_their_source() {
        for bad in [
            json!({"info": {"title": "t"}, "actions": [{"target": "$", "update": {}}]}),
            json!({"overlay": "2.0.0", "info": {"title": "t"}, "actions": [{"target": "$", "update": {}}]}),
            json!({"overlay": "1.0.0", "info": {"title": "t"}, "actions": []}),
            json!({"overlay": "1.0.0", "info": {"title": "t"}, "actions": [{"target": "$[", "update": {}}]}),
            json!({"overlay": "1.0.0", "info": {"title": "t"}, "actions": [{"target": "$"}]}),
        ] {
            let error = parse(&bad.to_string(), "bad.yml").unwrap_err().to_string();
            assert!(error.contains("bad.yml"), "{error}");
        }
    }
}
