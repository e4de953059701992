//! The crate's module graph, read from the paths each module's code names, and its cycles.
//!
//! A module is a file of `src/`. Module A depends on module B when A's code names a path
//! that leads into B: `crate::b::…`, `super::…`, `self::…`, or a child module's name. A name
//! re-exported by a module (`pub use b::Item`) leads to the module that defines it, so
//! using `crate::Clock` depends on `clock`, not on the crate root. Comments and doc links are
//! not code, so they are not read; neither are test-only modules (`#[cfg(test)] mod …`), nor
//! paths inside `macro_rules!` bodies that start with `$crate` (they are the caller's).
//!
//! `cargo xtask layers` prints the modules bottom up, each with what it depends on; it fails
//! when the graph has a cycle, at the level of files or of the crate's top-level modules.
//! The crate-wide error enum (`error`) is left out: every layer reports through it, and it
//! names the few error types of the layers above it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::str::FromStr as _;

use proc_macro2::{Delimiter, TokenStream, TokenTree};

/// Modules every layer may name, and that may name the layers back.
pub const EXEMPT: &[&str] = &["error"];

/// A module's path within the crate, `""` for the root.
type ModPath = String;

/// Every module of the crate and the modules its code depends on.
#[derive(Debug, Default)]
pub struct Graph {
    pub edges: BTreeMap<ModPath, BTreeSet<ModPath>>,
}

struct Module {
    tokens: Vec<TokenTree>,
    children: BTreeSet<String>,
    /// Names brought in or re-exported by `use`: name → the path it stands for.
    uses: BTreeMap<String, Vec<String>>,
}

/// Reads the crate rooted at `src/lib.rs` under `root`.
pub fn read(root: &Path) -> Result<Graph, String> {
    let mut modules = BTreeMap::new();
    load(
        &root.join("src"),
        &root.join("src/lib.rs"),
        String::new(),
        &mut modules,
    )?;
    let mut graph = Graph::default();
    for (path, module) in &modules {
        let mut deps = BTreeSet::new();
        for named in paths(&module.tokens, &module.children) {
            let target = resolve(&modules, path, &named, 0);
            if let Some(target) = target.filter(|t| t != path && !EXEMPT.contains(&t.as_str())) {
                deps.insert(target);
            }
        }
        if !EXEMPT.contains(&path.as_str()) {
            graph.edges.insert(path.clone(), deps);
        }
    }
    Ok(graph)
}

impl Graph {
    /// The same graph with every module folded into its top-level module.
    pub fn top_level(&self) -> Graph {
        let top = |path: &str| path.split("::").next().unwrap_or_default().to_owned();
        let mut folded = Graph::default();
        for (from, to) in &self.edges {
            let entry = folded.edges.entry(top(from)).or_default();
            entry.extend(to.iter().map(|t| top(t)).filter(|t| *t != top(from)));
        }
        folded
    }

    /// The groups of modules that depend on each other in a circle (each listed once).
    pub fn cycles(&self) -> Vec<Vec<ModPath>> {
        let mut cycles = Vec::new();
        let mut done = BTreeSet::new();
        for start in self.edges.keys() {
            if done.contains(start) {
                continue;
            }
            let reach = self.reachable(start);
            let group: Vec<ModPath> = reach
                .iter()
                .filter(|other| self.reachable(other).contains(start))
                .cloned()
                .collect();
            done.extend(group.iter().cloned());
            if !group.is_empty() {
                cycles.push(group);
            }
        }
        cycles
    }

    /// Every module `from` depends on, directly or not (itself only through a cycle).
    fn reachable(&self, from: &str) -> BTreeSet<ModPath> {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<&str> = vec![from];
        while let Some(next) = todo.pop() {
            for dep in self.edges.get(next).into_iter().flatten() {
                if seen.insert(dep.clone()) {
                    todo.push(dep);
                }
            }
        }
        seen
    }

    /// The modules bottom up: each after everything it depends on. `None` if there is a cycle.
    pub fn layers(&self) -> Option<Vec<Vec<ModPath>>> {
        let mut placed: BTreeSet<&str> = BTreeSet::new();
        let mut layers = Vec::new();
        while placed.len() < self.edges.len() {
            let layer: Vec<ModPath> = self
                .edges
                .iter()
                .filter(|(module, _)| !placed.contains(module.as_str()))
                .filter(|(_, deps)| deps.iter().all(|d| placed.contains(d.as_str())))
                .map(|(module, _)| module.clone())
                .collect();
            if layer.is_empty() {
                return None;
            }
            for module in &layer {
                placed.insert(self.edges.get_key_value(module).map(|(k, _)| k.as_str())?);
            }
            layers.push(layer);
        }
        Some(layers)
    }
}

/// Reads the module in `file` and, recursively, the modules it declares.
fn load(
    dir: &Path,
    file: &Path,
    path: ModPath,
    modules: &mut BTreeMap<ModPath, Module>,
) -> Result<(), String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let stream = TokenStream::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut tokens: Vec<TokenTree> = stream.into_iter().collect();
    let declared = declared_modules(&mut tokens);
    let mut children = BTreeSet::new();
    for (name, inline) in declared {
        children.insert(name.clone());
        let child_path = join(&path, &name);
        match inline {
            Some(body) => {
                // An inline module: its own tokens, its files in a folder of its name.
                let mut body: Vec<TokenTree> = body.into_iter().collect();
                let nested = declared_modules(&mut body);
                let mut grandchildren = BTreeSet::new();
                for (grandchild, _) in nested {
                    grandchildren.insert(grandchild);
                }
                let uses = uses(&body);
                modules.insert(
                    child_path,
                    Module {
                        tokens: body,
                        children: grandchildren,
                        uses,
                    },
                );
            }
            None => {
                let (child_file, child_dir) = child_location(dir, file, &name);
                load(&child_dir, &child_file, child_path, modules)?;
            }
        }
    }
    let uses = uses(&tokens);
    modules.insert(
        path,
        Module {
            tokens,
            children,
            uses,
        },
    );
    Ok(())
}

/// Where the file of module `name`, declared in `file`, lives, and the folder of its own
/// children.
fn child_location(dir: &Path, file: &Path, name: &str) -> (PathBuf, PathBuf) {
    let own_dir = match file.file_name().and_then(|f| f.to_str()) {
        Some("lib.rs" | "mod.rs" | "main.rs") => dir.to_path_buf(),
        _ => dir.join(file.file_stem().unwrap_or_default()),
    };
    let flat = own_dir.join(format!("{name}.rs"));
    if flat.exists() {
        (flat, own_dir.join(name))
    } else {
        (own_dir.join(name).join("mod.rs"), own_dir.join(name))
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}::{name}")
    }
}

/// Takes the module declarations out of `tokens`: `(name, Some(body))` for inline ones,
/// `(name, None)` for those in files. Test-only modules are dropped, body and all.
fn declared_modules(tokens: &mut Vec<TokenTree>) -> Vec<(String, Option<TokenStream>)> {
    let mut declared = Vec::new();
    let mut kept = Vec::with_capacity(tokens.len());
    let mut test_only = false;
    let mut i = 0;
    while i < tokens.len() {
        match (&tokens[i], tokens.get(i + 1), tokens.get(i + 2)) {
            (hash, Some(TokenTree::Group(attribute)), _) if is_punct(hash, '#') => {
                test_only |= attribute.stream().to_string().replace(' ', "") == "cfg(test)";
                kept.extend_from_slice(&tokens[i..i + 2]);
                i += 2;
            }
            (keyword, Some(TokenTree::Ident(name)), next) if is_ident(keyword, "mod") => {
                let body = match next {
                    Some(TokenTree::Group(body)) if body.delimiter() == Delimiter::Brace => {
                        Some(body.stream())
                    }
                    _ => None,
                };
                if !test_only {
                    declared.push((name.to_string(), body));
                }
                test_only = false;
                i += 3;
            }
            (token, _, _) => {
                // An attribute applies to the next item only.
                test_only &= !ends_item(token);
                kept.push(token.clone());
                i += 1;
            }
        }
    }
    *tokens = kept;
    declared
}

fn ends_item(token: &TokenTree) -> bool {
    is_punct(token, ';')
        || matches!(token, TokenTree::Group(g) if g.delimiter() == Delimiter::Brace)
}

fn is_punct(token: &TokenTree, c: char) -> bool {
    matches!(token, TokenTree::Punct(p) if p.as_char() == c)
}

fn is_ident(token: &TokenTree, name: &str) -> bool {
    matches!(token, TokenTree::Ident(i) if i == name)
}

/// The names each `use` item brings in: `use a::b::{c, d as e};` gives `c → a::b::c` and
/// `e → a::b::d`. Globs are left out.
fn uses(tokens: &[TokenTree]) -> BTreeMap<String, Vec<String>> {
    let mut names = BTreeMap::new();
    let mut i = 0;
    while i < tokens.len() {
        if is_ident(&tokens[i], "use") {
            let end = tokens[i..]
                .iter()
                .position(|t| is_punct(t, ';'))
                .map_or(tokens.len(), |at| i + at);
            use_tree(&tokens[i + 1..end], &[], &mut names);
            i = end;
        }
        i += 1;
    }
    names
}

fn use_tree(tokens: &[TokenTree], prefix: &[String], names: &mut BTreeMap<String, Vec<String>>) {
    let mut current = prefix.to_vec();
    let mut named = false;
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Ident(ident) if ident == "as" => {
                if let Some(TokenTree::Ident(alias)) = tokens.get(i + 1) {
                    names.insert(alias.to_string(), current.clone());
                    named = true;
                }
                i += 1;
            }
            // `a::{self, b}`: `a` itself, under its own name.
            TokenTree::Ident(ident) if ident == "self" => {
                if let Some(last) = current.last() {
                    names.insert(last.clone(), current.clone());
                }
                named = true;
            }
            TokenTree::Ident(ident) => current.push(ident.to_string()),
            TokenTree::Group(group) if group.delimiter() == Delimiter::Brace => {
                let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                for part in inner.split(|t| is_punct(t, ',')) {
                    use_tree(part, &current, names);
                }
                named = true;
            }
            _ => {}
        }
        i += 1;
    }
    if let (false, Some(last)) = (named || current.len() == prefix.len(), current.last()) {
        names.insert(last.clone(), current.clone());
    }
}

/// Every path the code names that may lead into another module, as written (segments).
fn paths(tokens: &[TokenTree], children: &BTreeSet<String>) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    collect_paths(tokens, children, &mut found);
    found
}

fn collect_paths(tokens: &[TokenTree], children: &BTreeSet<String>, found: &mut Vec<Vec<String>>) {
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            // `$crate` paths in a macro body belong to the module that invokes the macro.
            TokenTree::Punct(p) if p.as_char() == '$' => {
                i += 2;
                continue;
            }
            TokenTree::Ident(ident) => {
                let name = ident.to_string();
                let preceded_by_path = i >= 2 && is_punct(&tokens[i - 1], ':');
                let starts =
                    matches!(name.as_str(), "crate" | "super" | "self") || children.contains(&name);
                if starts && !preceded_by_path && followed_by_path(tokens, i) {
                    let mut segments = vec![name];
                    let mut j = i + 1;
                    while followed_by_path(tokens, j - 1) {
                        match tokens.get(j + 2) {
                            Some(TokenTree::Ident(next)) => {
                                segments.push(next.to_string());
                                j += 3;
                            }
                            Some(TokenTree::Group(group))
                                if group.delimiter() == Delimiter::Brace =>
                            {
                                let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                                let mut names = BTreeMap::new();
                                for part in inner.split(|t| is_punct(t, ',')) {
                                    use_tree(part, &segments, &mut names);
                                }
                                found.extend(names.into_values());
                                segments.clear();
                                j += 3;
                                break;
                            }
                            _ => break,
                        }
                    }
                    if !segments.is_empty() {
                        found.push(segments);
                    }
                    i = j;
                    continue;
                }
            }
            TokenTree::Group(group) => {
                let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                collect_paths(&inner, children, found);
            }
            _ => {}
        }
        i += 1;
    }
}

/// Whether the token at `i` is followed by `::`.
fn followed_by_path(tokens: &[TokenTree], i: usize) -> bool {
    matches!(
        (tokens.get(i + 1), tokens.get(i + 2)),
        (Some(a), Some(b)) if is_punct(a, ':') && is_punct(b, ':')
    )
}

/// The module a path named in `from` leads into, following re-exports.
fn resolve(
    modules: &BTreeMap<ModPath, Module>,
    from: &str,
    named: &[String],
    depth: usize,
) -> Option<ModPath> {
    // Re-exports that lead in a circle are not followed forever.
    if depth > 16 {
        return None;
    }
    let mut segments = named.iter().map(String::as_str).peekable();
    let mut at: Vec<&str> = if from.is_empty() {
        Vec::new()
    } else {
        from.split("::").collect()
    };
    match segments.peek() {
        Some(&"crate") => {
            at.clear();
            segments.next();
        }
        Some(&"self") => {
            segments.next();
        }
        _ => {}
    }
    while segments.peek() == Some(&"super") {
        at.pop()?;
        segments.next();
    }
    let mut module = at.join("::");
    for segment in segments {
        let current = modules.get(&module)?;
        if current.children.contains(segment) {
            module = join(&module, segment);
            continue;
        }
        // An item of `module`: defined there, or brought in by a `use` that leads elsewhere.
        let imported = current.uses.get(segment);
        return imported
            .and_then(|target| resolve(modules, &module, target, depth + 1))
            .or(Some(module));
    }
    Some(module)
}

/// What `cargo xtask layers` prints, and whether the graph passes.
pub fn report(root: &Path) -> Result<(String, bool), String> {
    let graph = read(root)?;
    let mut out = String::new();
    let mut passed = true;
    for (name, graph) in [("files", &graph), ("top-level modules", &graph.top_level())] {
        let cycles = graph.cycles();
        if !cycles.is_empty() {
            passed = false;
            for cycle in cycles {
                out.push_str(&format!("cycle among {name}: {}\n", cycle.join(", ")));
            }
        }
    }
    let top = graph.top_level();
    if let Some(layers) = top.layers() {
        out.push_str(&format!(
            "The crate's modules bottom up (`{}` is used by all and left out):\n",
            EXEMPT.join("`, `")
        ));
        for (n, layer) in layers.iter().enumerate() {
            for module in layer {
                let deps: Vec<&str> = top.edges[module].iter().map(String::as_str).collect();
                let name = if module.is_empty() { "(root)" } else { module };
                out.push_str(&format!("{n:>2} {name:<10} {}\n", deps.join(", ")));
            }
        }
    }
    Ok((out, passed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crate_of(files: &[(&str, &str)]) -> Graph {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        read(dir.path()).unwrap()
    }

    fn deps<'a>(graph: &'a Graph, module: &str) -> Vec<&'a str> {
        graph.edges[module].iter().map(String::as_str).collect()
    }

    #[test]
    fn paths_lead_through_re_exports_to_the_defining_module() {
        let graph = crate_of(&[
            (
                "src/lib.rs",
                "mod a; mod b; mod error; pub use a::Thing; #[cfg(test)] mod tests;",
            ),
            ("src/a/mod.rs", "mod inner; pub use inner::Thing;"),
            ("src/a/inner.rs", "pub struct Thing; use crate::error::E;"),
            (
                "src/b.rs",
                "// crate::c::Nothing in a comment\n/// [`x`](crate::d)\nfn f() -> crate::Thing { crate::a::Thing }",
            ),
            ("src/error.rs", "use crate::b::f;"),
            ("src/tests/mod.rs", "use crate::b::f;"),
        ]);
        assert_eq!(deps(&graph, "b"), ["a::inner"]);
        assert_eq!(deps(&graph, "a"), ["a::inner"]);
        assert!(deps(&graph, "a::inner").is_empty(), "error is exempt");
        assert!(
            !graph.edges.contains_key("tests"),
            "test-only modules are not read"
        );
        assert!(graph.cycles().is_empty());
        assert_eq!(deps(&graph.top_level(), "b"), ["a"]);
    }

    #[test]
    fn a_module_that_imports_one_that_imports_it_back_is_a_cycle() {
        let graph = crate_of(&[
            ("src/lib.rs", "mod a; mod b; mod c;"),
            ("src/a.rs", "use super::b::B; pub struct A;"),
            ("src/b.rs", "use crate::{a::A, c}; pub struct B;"),
            ("src/c.rs", "pub fn f() {}"),
        ]);
        assert_eq!(graph.cycles(), [vec!["a".to_owned(), "b".to_owned()]]);
        assert!(graph.layers().is_none());
        // Inside one top-level module, a child naming its parent's own item, and the
        // parent re-exporting the child.
        let graph = crate_of(&[
            ("src/lib.rs", "mod t;"),
            ("src/t/mod.rs", "mod x; pub use x::X; pub struct Shared;"),
            ("src/t/x.rs", "use super::Shared; pub struct X;"),
        ]);
        assert_eq!(graph.cycles(), [vec!["t".to_owned(), "t::x".to_owned()]]);
        assert!(graph.top_level().cycles().is_empty());
    }

    #[test]
    fn macro_bodies_name_the_callers_paths() {
        let graph = crate_of(&[
            ("src/lib.rs", "mod a; mod b;"),
            (
                "src/a.rs",
                "macro_rules! m { () => { impl $crate::b::T for X {} } } pub(crate) use m;",
            ),
            ("src/b.rs", "pub trait T {} crate::a::m!();"),
        ]);
        assert!(deps(&graph, "a").is_empty());
        assert_eq!(deps(&graph, "b"), ["a"]);
    }

    /// The crate itself: no cycle among its files or its top-level modules.
    #[test]
    fn the_crate_has_no_cycle() {
        let (report, passed) = report(&crate::workspace_root()).unwrap();
        assert!(passed, "{report}");
    }
}
