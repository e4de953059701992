//! Moves the path of the first server URL into every operation path.
//!
//! progenitor never reads `servers`: callers pass a base URL, and a spec path `/` under a server
//! `https://host/v2/verify` is requested as `{base}/`, with a trailing slash the API does not
//! use. Prefixing the paths lets every API of the crate share the bare origin as base URL (which
//! also suits regional hosts) and turns `/` into `/v2/verify`.

use openapiv3::{OpenAPI, Server};

use crate::codegen::Config;

/// Prefixes the paths with the server's base path and leaves only the origin in `servers`.
pub fn run(doc: &mut OpenAPI, _: &Config) -> Vec<String> {
    let Some(server) = doc.servers.first() else {
        return Vec::new();
    };
    let (origin, base) = split_url(&server.url);
    let base = base.trim_end_matches('/').to_string();
    if base.is_empty() {
        return Vec::new();
    }
    let paths = std::mem::take(&mut doc.paths.paths);
    for (path, item) in paths {
        let joined = if path == "/" {
            base.clone()
        } else {
            format!("{base}{path}")
        };
        doc.paths.paths.insert(joined, item);
    }
    doc.servers = vec![Server {
        url: origin.to_string(),
        ..server.clone()
    }];
    vec![format!(
        "moved base path {base} into {} paths",
        doc.paths.paths.len()
    )]
}

/// Splits `scheme://host[:port]/path` into origin and path; a relative URL is all path.
fn split_url(url: &str) -> (&str, &str) {
    match url.find("://") {
        Some(i) => match url[i + 3..].find('/') {
            Some(j) => url.split_at(i + 3 + j),
            None => (url, ""),
        },
        None => ("", url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::passes::spec;

    fn paths(doc: &OpenAPI) -> Vec<&str> {
        doc.paths.paths.keys().map(String::as_str).collect()
    }

    #[test]
    fn prefixes_paths_and_drops_the_trailing_slash_of_root() {
        let mut doc = spec(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nservers: [{url: 'https://api.example.com/v2/verify/'}]\npaths:\n  /: {}\n  /{id}: {}\n",
        );
        let notes = run(&mut doc, &Config::default());
        assert_eq!(paths(&doc), ["/v2/verify", "/v2/verify/{id}"]);
        assert_eq!(doc.servers[0].url, "https://api.example.com");
        assert_eq!(notes.len(), 1);
    }

    #[test]
    fn leaves_specs_without_a_base_path_alone() {
        let mut doc = spec(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nservers: [{url: 'https://api.example.com'}]\npaths:\n  /a: {}\n",
        );
        assert!(run(&mut doc, &Config::default()).is_empty());
        assert_eq!(paths(&doc), ["/a"]);
    }
}
