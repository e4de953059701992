//! What generated code offers the hand-written layer, item by item, and which items a new spec
//! would take away from code that uses them.
//!
//! The check cannot build the crate, so it compares the two generated files instead: type
//! names, struct fields, enum variants, builder setters and client methods. An item that is gone
//! counts as used when a hand-written file names it the way code reaches it (`Type::Variant`,
//! `.field` or `.setter(` in a file that names the type, `.method(`); this can name an item a
//! file does not really use, never the other way round for the forms it knows.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;

/// One thing generated code offers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Item {
    /// A type in `types` (`VerifyRequest`).
    Type(String),
    /// A field of a struct in `types` (`VerifySearchResponse.verification_requests`).
    Field(String, String),
    /// A variant of an enum in `types` (`ControlRequestCmd::TriggerNextEvent`).
    Variant(String, String),
    /// A field of a struct-like variant (`NewRequestBodyWorkflowItem::Rcs.from`).
    VariantField(String, String, String),
    /// A setter of a type's builder (`types::builder::VerifyRequest.brand`).
    TypeSetter(String, String),
    /// A method of the client, one per operation (`verify_search`).
    Method(String),
    /// A setter of an operation's request builder (`verify_search().request_id`).
    OperationSetter(String, String),
}

impl std::fmt::Display for Item {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Item::Type(t) => write!(f, "type `{t}`"),
            Item::Field(t, n) => write!(f, "field `{t}.{n}`"),
            Item::Variant(t, v) => write!(f, "variant `{t}::{v}`"),
            Item::VariantField(t, v, n) => write!(f, "field `{t}::{v}.{n}`"),
            Item::TypeSetter(t, n) => write!(f, "builder setter `{t}::builder().{n}(..)`"),
            Item::Method(m) => write!(f, "client method `{m}()`"),
            Item::OperationSetter(m, n) => write!(f, "request setter `{m}().{n}(..)`"),
        }
    }
}

/// Everything `code` (a generated client) offers.
pub fn items(code: &str) -> BTreeSet<Item> {
    let mut items = BTreeSet::new();
    let Ok(file) = syn::parse_file(code) else {
        return items;
    };
    for item in &file.items {
        match item {
            syn::Item::Mod(module) if module.ident == "types" => {
                for item in module_items(module) {
                    type_items(item, &mut items);
                    if let syn::Item::Mod(builder) = item
                        && builder.ident == "builder"
                    {
                        for item in module_items(builder) {
                            if let Some((name, setters)) = setters(item) {
                                for setter in setters {
                                    items.insert(Item::TypeSetter(name.clone(), setter));
                                }
                            }
                        }
                    }
                }
            }
            syn::Item::Mod(module) if module.ident == "builder" => {
                for item in module_items(module) {
                    if let Some((name, setters)) = setters(item) {
                        let method = name.to_snake_case();
                        for setter in setters.into_iter().filter(|s| s != "send") {
                            items.insert(Item::OperationSetter(method.clone(), setter));
                        }
                    }
                }
            }
            syn::Item::Impl(block) if is_client(block) => {
                for item in &block.items {
                    if let syn::ImplItem::Fn(function) = item
                        && matches!(function.vis, syn::Visibility::Public(_))
                    {
                        items.insert(Item::Method(function.sig.ident.to_string()));
                    }
                }
            }
            _ => {}
        }
    }
    items
}

fn module_items(module: &syn::ItemMod) -> &[syn::Item] {
    module.content.as_ref().map_or(&[], |(_, items)| items)
}

fn is_client(block: &syn::ItemImpl) -> bool {
    block.trait_.is_none()
        && matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"))
}

fn type_items(item: &syn::Item, items: &mut BTreeSet<Item>) {
    match item {
        syn::Item::Struct(s) => {
            let name = s.ident.to_string();
            for field in &s.fields {
                if let Some(ident) = &field.ident {
                    items.insert(Item::Field(name.clone(), ident.to_string()));
                }
            }
            items.insert(Item::Type(name));
        }
        syn::Item::Enum(e) => {
            let name = e.ident.to_string();
            for variant in &e.variants {
                let tag = variant.ident.to_string();
                for field in variant.fields.iter().filter_map(|f| f.ident.as_ref()) {
                    items.insert(Item::VariantField(
                        name.clone(),
                        tag.clone(),
                        field.to_string(),
                    ));
                }
                items.insert(Item::Variant(name.clone(), tag));
            }
            items.insert(Item::Type(name));
        }
        syn::Item::Type(t) => {
            items.insert(Item::Type(t.ident.to_string()));
        }
        _ => {}
    }
}

/// The public methods of an inherent `impl` block, with the type's name.
fn setters(item: &syn::Item) -> Option<(String, Vec<String>)> {
    let syn::Item::Impl(block) = item else {
        return None;
    };
    if block.trait_.is_some() {
        return None;
    }
    let syn::Type::Path(path) = &*block.self_ty else {
        return None;
    };
    let name = path.path.segments.last()?.ident.to_string();
    let methods = block
        .items
        .iter()
        .filter_map(|item| match item {
            syn::ImplItem::Fn(f) if matches!(f.vis, syn::Visibility::Public(_)) => {
                Some(f.sig.ident.to_string())
            }
            _ => None,
        })
        .collect();
    Some((name, methods))
}

/// The hand-written sources, by path, as text.
pub type Sources = BTreeMap<String, String>;

/// Whether some hand-written file reaches `item`, and which.
pub fn users(item: &Item, sources: &Sources) -> Vec<String> {
    sources
        .iter()
        .filter(|(_, text)| match item {
            Item::Type(t) => names_type(text, t),
            Item::Variant(t, v) => contains_word(text, &format!("{t}::{v}")),
            Item::VariantField(t, v, f) => {
                contains_word(text, &format!("{t}::{v}")) && contains_word(text, f)
            }
            Item::Field(t, f) => names_type(text, t) && contains_word(text, &format!(".{f}")),
            Item::TypeSetter(t, s) => names_type(text, t) && text.contains(&format!(".{s}(")),
            Item::Method(m) => text.contains(&format!(".{m}(")),
            Item::OperationSetter(m, s) => {
                text.contains(&format!(".{m}(")) && text.contains(&format!(".{s}("))
            }
        })
        .map(|(path, _)| path.clone())
        .collect()
}

/// `types::Name` or `spec::Name` (the two ways the hand-written code imports generated types).
fn names_type(text: &str, name: &str) -> bool {
    ["types::", "spec::"]
        .iter()
        .any(|prefix| contains_word(text, &format!("{prefix}{name}")))
}

/// `needle` not followed by more of an identifier (and, when it starts with one, not preceded
/// by one either).
fn contains_word(text: &str, needle: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(needle).any(|(at, _)| {
        let after = text[at + needle.len()..].chars().next();
        let before = text[..at].chars().next_back();
        !after.is_some_and(ident) && (!needle.starts_with(ident) || !before.is_some_and(ident))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = "
        pub mod types {
            pub struct Reply { pub status: String, pub items: Vec<String> }
            pub enum Cmd { Cancel, TriggerNextEvent }
            pub enum Step { Rcs { to: String, from: Option<String> } }
            pub mod builder {
                pub struct Reply { status: String }
                impl Reply { pub fn status(self) -> Self { self } }
            }
        }
        pub struct Client;
        impl Client { pub fn verify_search(&self) -> builder::VerifySearch { todo!() } }
        pub mod builder {
            pub struct VerifySearch;
            impl VerifySearch { pub fn request_id(self) -> Self { self } pub fn send(self) {} }
        }
    ";

    #[test]
    fn lists_types_fields_variants_setters_and_methods() {
        let items = items(CODE);
        for item in [
            Item::Type("Reply".into()),
            Item::Field("Reply".into(), "items".into()),
            Item::Variant("Cmd".into(), "TriggerNextEvent".into()),
            Item::VariantField("Step".into(), "Rcs".into(), "from".into()),
            Item::TypeSetter("Reply".into(), "status".into()),
            Item::Method("verify_search".into()),
            Item::OperationSetter("verify_search".into(), "request_id".into()),
        ] {
            assert!(items.contains(&item), "{item} missing from {items:?}");
        }
        assert!(!items.contains(&Item::OperationSetter(
            "verify_search".into(),
            "send".into()
        )));
    }

    #[test]
    fn finds_the_files_that_reach_an_item() {
        let sources: Sources = [
            (
                "a.rs".to_owned(),
                "use x::types; fn f(r: types::Reply) { r.items.len(); }".to_owned(),
            ),
            (
                "b.rs".to_owned(),
                "fn g() { let _ = types::Cmd::TriggerNextEvent; }".to_owned(),
            ),
            (
                "c.rs".to_owned(),
                "fn h(r: Other) { r.items_count; }".to_owned(),
            ),
            (
                "d.rs".to_owned(),
                "fn s(to: String) -> Step { types::Step::Rcs { to, from: None } }".to_owned(),
            ),
        ]
        .into();
        assert_eq!(
            users(
                &Item::VariantField("Step".into(), "Rcs".into(), "from".into()),
                &sources
            ),
            ["d.rs"]
        );
        assert_eq!(
            users(&Item::Field("Reply".into(), "items".into()), &sources),
            ["a.rs"]
        );
        assert_eq!(
            users(
                &Item::Variant("Cmd".into(), "TriggerNextEvent".into()),
                &sources
            ),
            ["b.rs"]
        );
        assert_eq!(
            users(&Item::Variant("Cmd".into(), "Trigger".into()), &sources),
            Vec::<String>::new()
        );
    }
}
