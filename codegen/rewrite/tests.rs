use super::patterns::Class;
use super::*;
use crate::codegen::{Config, generate, load};

/// The tokens progenitor generates for `spec`, before any rewrite.
fn generated(spec: &str) -> syn::File {
    let doc = load::parse(spec).unwrap();
    let settings = generate::settings(&Config::default()).unwrap();
    let tokens = progenitor::Generator::new(&settings)
        .generate_tokens(&doc)
        .unwrap();
    syn::parse2(tokens).unwrap()
}

const HEADERS: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1.2.3'}
paths:
  /a:
    get:
      operationId: getA
      parameters: [{name: x-trace, in: header, schema: {type: string}}]
      responses: {'200': {description: ok}}
  /b: {post: {operationId: postB, responses: {'204': {description: ok}}}}
"#;

#[test]
fn the_api_version_header_is_dropped_and_nothing_else() {
    let mut file = generated(HEADERS);
    assert_eq!(drop_api_version_header(&mut file), 2, "one per operation");
    assert_eq!(drop_api_version_header(&mut file), 0);
    let code = prettyplease::unparse(&file);
    assert!(!code.contains("\"api-version\""), "{code}");
    assert!(code.contains("\"x-trace\""), "{code}");
}

#[test]
fn only_header_maps_left_empty_are_dropped() {
    let mut file = generated(HEADERS);
    // Before the api-version header goes, every map is in use.
    assert_eq!(drop_empty_header_maps(&mut file), 0);
    drop_api_version_header(&mut file);
    assert_eq!(drop_empty_header_maps(&mut file), 1, "postB's");
    assert_eq!(drop_empty_header_maps(&mut file), 0);
    let code = prettyplease::unparse(&file);
    // getA still builds its map and sends it.
    assert_eq!(code.matches("let mut header_map").count(), 1, "{code}");
    assert_eq!(code.matches(".headers(header_map)").count(), 1, "{code}");
    // postB's request chain is intact without it.
    let post_b = &code[code.find("impl<'a> PostB<'a>").unwrap()..];
    assert!(post_b.contains(".post(url)"), "{post_b}");
    assert!(post_b.contains(".build()?"), "{post_b}");
}

const JSON_REPLY: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get:
      operationId: getA
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: object}}}}
        '400': {description: bad, content: {application/json: {schema: {type: object}}}}
"#;

#[test]
fn replies_are_decoded_by_the_configured_decoder() {
    let mut file = generated(JSON_REPLY);
    let decoder: syn::Path = syn::parse_str("crate::somewhere::decode").unwrap();
    assert_eq!(
        decode_without_copying_headers(&mut file, &decoder),
        2,
        "200 and 400"
    );
    let code = prettyplease::unparse(&file);
    assert!(!code.contains("from_response"), "{code}");
    assert_eq!(
        code.matches("crate::somewhere::decode(response)").count(),
        2,
        "{code}"
    );
}

#[test]
fn the_pipeline_applies_every_rewrite_and_notes_it() {
    let config = Config::default();
    let mut file = generated(HEADERS);
    let notes = apply(&mut file, &config).unwrap();
    assert_eq!(
        notes,
        [
            "drop_api_version_header: 2 places",
            "drop_empty_header_maps: 1 place"
        ]
    );
    let mut file = generated(JSON_REPLY);
    let notes = apply(&mut file, &config).unwrap();
    assert_eq!(
        notes,
        [
            "drop_api_version_header: 1 place",
            "drop_empty_header_maps: 1 place",
            "decode_without_copying_headers: 2 places"
        ]
    );
    let code = prettyplease::unparse(&file);
    assert!(
        code.contains("crate::transport::decode_json(response)"),
        "{code}"
    );

    let keep = Config {
        response_decoder: None,
        ..Config::default()
    };
    let mut file = generated(JSON_REPLY);
    apply(&mut file, &keep).unwrap();
    assert!(prettyplease::unparse(&file).contains("ResponseValue::from_response"));
    let broken = Config {
        response_decoder: Some("not a path".into()),
        ..Config::default()
    };
    assert!(apply(&mut generated(JSON_REPLY), &broken).is_err());
}

const PATHS: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /items/{id}/parts/{n}:
    get:
      operationId: getPart
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: n, in: path, required: true, schema: {type: integer}}
      responses: {'204': {description: ok}}
  /items: {get: {operationId: listItems, responses: {'204': {description: ok}}}}
"#;

#[test]
fn path_parameters_are_encoded_in_place() {
    let mut file = generated(PATHS);
    let encoder: syn::Path = syn::parse_str("crate::somewhere::Segment").unwrap();
    assert_eq!(encode_paths_in_place(&mut file, &encoder), 2, "id and n");
    assert_eq!(encode_paths_in_place(&mut file, &encoder), 0);
    let code = prettyplease::unparse(&file);
    assert!(!code.contains("encode_path("), "{code}");
    let compact: String = code.split_whitespace().collect();
    assert!(
        compact.contains(r#"format!("{}/items/{}/parts/{}",client.baseurl,crate::somewhere::Segment(&id),crate::somewhere::Segment(&n),)"#),
        "{code}"
    );
    // The URL without parameters is untouched.
    assert!(
        compact.contains(r#"format!("{}/items",client.baseurl,)"#),
        "{code}"
    );

    let keep = Config {
        path_encoder: None,
        ..Config::default()
    };
    let mut file = generated(PATHS);
    let notes = apply(&mut file, &keep).unwrap();
    assert!(
        !notes.iter().any(|n| n.starts_with("encode_paths_in_place")),
        "{notes:?}"
    );
    assert_eq!(
        prettyplease::unparse(&file).matches("encode_path(").count(),
        2
    );
    let broken = Config {
        path_encoder: Some("not a path".into()),
        ..Config::default()
    };
    assert!(apply(&mut generated(PATHS), &broken).is_err());
}

/// Only progenitor's exact form is rewritten: other receivers, named arguments and calls
/// outside `format!` are left as they are.
#[test]
fn only_encoded_bindings_in_format_are_rewritten() {
    let mut file: syn::File = syn::parse_quote! {
        fn f(a: A, y: String) {
            let _ = format!("{}", encode_path(&a.b.to_string()));
            let _ = format!("{}", encode_path(&g().to_string()));
            let _ = format!("{x}", x = encode_path(&y.to_string()));
            let _ = format!("{}", encode_path(&y.to_lowercase()));
            let _ = encode_path(&y.to_string());
            let _ = format!("{}", encode_path(&y.to_string()));
        }
    };
    let encoder: syn::Path = syn::parse_str("Segment").unwrap();
    assert_eq!(
        encode_paths_in_place(&mut file, &encoder),
        1,
        "the last one"
    );
    let code = prettyplease::unparse(&file);
    assert_eq!(code.matches("encode_path(").count(), 5, "{code}");
    let compact: String = code.split_whitespace().collect();
    assert!(compact.contains("Segment(&y)"), "{code}");
}

#[test]
fn single_class_patterns_are_read() {
    let class = |negated, ranges: &[(char, char)], at_least_one| {
        Some(Class {
            negated,
            ranges: ranges.to_vec(),
            at_least_one,
        })
    };
    for (pattern, expected) in [
        (
            "^[a-zA-Z0-9]+$",
            class(false, &[('a', 'z'), ('A', 'Z'), ('0', '9')], true),
        ),
        (
            r"^[^\/{}:$]*$",
            class(
                true,
                &[('/', '/'), ('{', '{'), ('}', '}'), (':', ':'), ('$', '$')],
                false,
            ),
        ),
        (
            "^[A-Za-z0-9_-]+$",
            class(
                false,
                &[('A', 'Z'), ('a', 'z'), ('0', '9'), ('_', '_'), ('-', '-')],
                true,
            ),
        ),
        (r"^[\d-]*$", class(false, &[('0', '9'), ('-', '-')], false)),
        (
            r"^[a\-z]+$",
            class(false, &[('a', 'a'), ('-', '-'), ('z', 'z')], true),
        ),
        ("^[-a]+$", class(false, &[('-', '-'), ('a', 'a')], true)),
        // Not one class repeated, or not only ASCII: left to the regex.
        (r"^\d{3}$", None),
        ("^[a-z]{2}$", None),
        ("^[a-z]+", None),
        ("[a-z]+$", None),
        ("^[a-z]+[0-9]*$", None),
        ("^[a-z]+$|^x$", None),
        (r"^[\s]+$", None),
        (r"^[\u0041]+$", None),
        ("^[é]+$", None),
        ("^[z-a]+$", None),
        (r"^[\d-z]+$", None),
        ("^[a--]+$", None),
        ("^[]*$", None),
        ("^[^]*$", None),
    ] {
        assert_eq!(Class::parse(pattern), expected, "{pattern}");
    }
}

/// Every ASCII character alone, and a few longer and non-ASCII values.
fn values() -> Vec<String> {
    let mut values: Vec<String> = (0u8..128).map(|b| char::from(b).to_string()).collect();
    values.extend(
        [
            "",
            "ACME",
            "a1b2",
            "12-34",
            "has space",
            "A&B (UK), Inc.",
            "under_score",
            "line\nbreak",
            "trailing\n",
            "é",
            "emoji 😀",
            "a-z",
            "az-",
            "-az",
            "0\u{0}",
        ]
        .map(String::from),
    );
    values
}

fn decides_as_regress(pattern: &str, class: &Class, values: &[String]) {
    let regex = regress::Regex::new(pattern)
        .unwrap_or_else(|e| panic!("{pattern} is read but regress refuses it: {e}"));
    for value in values {
        assert_eq!(
            class.matches(value),
            regex.find(value).is_some(),
            "{pattern} on {value:?}"
        );
    }
}

#[test]
fn a_read_class_decides_as_the_regex_does() {
    let values = values();
    for pattern in [
        "^[a-zA-Z0-9]+$",
        "^[a-zA-Z0-9]*$",
        r"^[^\/{}:$]*$",
        "^[A-Za-z0-9_-]+$",
        r"^[\d-]*$",
        r"^[a\-z]+$",
        "^[-a]+$",
        r"^[^\]a]+$",
        r"^[\\]+$",
        r"^[\^a]+$",
        "^[a^]+$",
        "^[a-z-0]+$",
        "^[-a-c]+$",
        r"^[!-\]]+$",
        "^[[]+$",
    ] {
        let class = Class::parse(pattern).unwrap_or_else(|| panic!("{pattern} is not read"));
        decides_as_regress(pattern, &class, &values);
    }
}

/// Every class of up to three atoms from a set chosen for the grammar's corners: whatever
/// the reading accepts, it decides as regress does.
#[test]
fn every_small_class_read_decides_as_the_regex_does() {
    let atoms = ["a", "z", "-", r"\-", r"\]", r"\\", "^", r"\d", "!", "["];
    let (mut bodies, mut last) = (Vec::new(), vec![String::new()]);
    for _ in 0..3 {
        last = last
            .iter()
            .flat_map(|body| atoms.iter().map(move |atom| format!("{body}{atom}")))
            .collect();
        bodies.extend(last.iter().cloned());
    }
    bodies.sort();
    bodies.dedup();
    let values = values();
    let mut read = 0;
    for body in &bodies {
        for (negation, repeat) in [("", "*"), ("", "+"), ("^", "*"), ("^", "+")] {
            let pattern = format!("^[{negation}{body}]{repeat}$");
            if let Some(class) = Class::parse(&pattern) {
                decides_as_regress(&pattern, &class, &values);
                read += 1;
            }
        }
    }
    assert!(read > 1_000, "only {read} patterns read");
}

const PATTERNS: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Brand: {type: string, pattern: '^[^\/{}:$]*$', maxLength: 18}
    Code: {type: string, pattern: '^[a-zA-Z0-9]+$'}
    Digits: {type: string, pattern: '^\d{3}$'}
"#;

#[test]
fn simple_patterns_are_checked_inline_and_others_keep_their_regex() {
    let mut file = generated(PATTERNS);
    assert_eq!(check_simple_patterns_inline(&mut file), 2);
    assert_eq!(check_simple_patterns_inline(&mut file), 0);
    let code = prettyplease::unparse(&file);
    let of = |name: &str| {
        let start = code
            .find(&format!("impl ::std::str::FromStr for {name} "))
            .unwrap();
        let end = start + code[start..].find("\n    }\n").unwrap();
        code[start..end].to_owned()
    };
    let brand = of("Brand");
    assert!(!brand.contains("regress"), "{brand}");
    assert!(brand.contains("chars().all"), "{brand}");
    // The length check and the error text stay as typify wrote them.
    assert!(brand.contains("longer than 18 characters"), "{brand}");
    assert!(brand.contains("doesn't match pattern"), "{brand}");
    let code_check = of("Code");
    assert!(code_check.contains("is_empty()"), "{code_check}");
    let digits = of("Digits");
    assert!(digits.contains("regress::Regex::new"), "{digits}");
}

/// The rewrites recognise what progenitor generates from the real specs: should a new
/// progenitor or typify write that code differently, they would silently do nothing.
#[test]
fn every_rewrite_applies_to_the_real_specs() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for (spec, expected) in [
        (
            "specs/verify-v2.yml",
            &[
                "drop_api_version_header: 15 places",
                "drop_empty_header_maps: 15 places",
                "check_simple_patterns_inline: 4 places",
                "decode_without_copying_headers: 104 places",
                "encode_paths_in_place: 15 places",
            ][..],
        ),
        (
            "specs/verify-v1.yml",
            &[
                "drop_api_version_header: 6 places",
                "drop_empty_header_maps: 6 places",
                "decode_without_copying_headers: 10 places",
            ][..],
        ),
    ] {
        let text = std::fs::read_to_string(root.join(spec)).unwrap();
        let generated = crate::codegen::run(&text, &Config::default()).unwrap();
        let notes: Vec<&str> = generated
            .notes
            .iter()
            .map(String::as_str)
            .filter(|note| REWRITES.iter().any(|r| note.starts_with(r.name)))
            .collect();
        assert_eq!(notes, expected, "{spec}");
        for gone in [
            "regress::",
            "header_map",
            "ResponseValue::from_response",
            "api-version",
            "encode_path(",
        ] {
            assert!(!generated.code.contains(gone), "{spec} still has {gone}");
        }
    }
}
