//! typify checks a string's `pattern` by running a `regress` regex, compiled once, on every
//! value. For the patterns Verify's specs use, one anchored character class repeated
//! (`^[a-zA-Z0-9]+$`, `^[^\/{}:$]*$`), that costs about 1,800 instructions for a four-letter
//! brand (see `benches/overhead.rs`); with the same test written as a loop over the
//! characters, the brand's whole check, lengths included, costs about 110. Any other pattern
//! keeps its regex.
//!
//! The reading follows ECMAScript without flags, which is what `regress` and OpenAPI use: `^`
//! and `$` are the ends of the whole value, and a character class matches one character,
//! never a newline specially. Checking `char`s rather than UTF-16 units changes nothing for
//! a class of ASCII characters or its complement, which is all this accepts.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use super::is_ident;

/// `^[…]*$` or `^[…]+$`, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Class {
    /// `[^…]`: the characters listed are the ones refused.
    pub negated: bool,
    /// Inclusive ranges; a single character is a range of one.
    pub ranges: Vec<(char, char)>,
    /// `+` rather than `*`: the empty value does not match.
    pub at_least_one: bool,
}

impl Class {
    /// Reads `pattern` when it is one anchored ASCII class repeated, else `None`.
    pub fn parse(pattern: &str) -> Option<Class> {
        let rest = pattern.strip_prefix("^[")?;
        let (body, at_least_one) = if let Some(body) = rest.strip_suffix("]*$") {
            (body, false)
        } else {
            (rest.strip_suffix("]+$")?, true)
        };
        let (body, negated) = match body.strip_prefix('^') {
            Some(body) => (body, true),
            None => (body, false),
        };
        let mut atoms = Vec::new();
        let mut chars = body.chars();
        while let Some(c) = chars.next() {
            atoms.push(match c {
                '\\' => match chars.next()? {
                    'd' => Atom::Range('0', '9'),
                    // Only escapes of punctuation stand for themselves; `\n`, `\s`, `\u…` and
                    // the like mean more, and are left to the regex.
                    c if c.is_ascii_punctuation() => Atom::Char(c),
                    _ => return None,
                },
                // A `]` ends the class, so one inside means the pattern is not a single class.
                ']' => return None,
                '-' => Atom::Dash,
                c if c.is_ascii() && !c.is_ascii_control() => Atom::Char(c),
                _ => return None,
            });
        }
        let ranges = ranges(&atoms)?;
        // `[]` and `[^]` are legal and mean nothing or anything; no spec needs them.
        (!ranges.is_empty()).then_some(Class {
            negated,
            ranges,
            at_least_one,
        })
    }

    /// Whether `value` matches, as the regex would decide: the meaning [`Class::tokens`]
    /// writes out, which the tests compare with `regress`.
    #[cfg(test)]
    pub fn matches(&self, value: &str) -> bool {
        (!self.at_least_one || !value.is_empty())
            && value
                .chars()
                .all(|c| self.ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&c)) != self.negated)
    }

    /// The same test as an expression over the `&str` expression `value`.
    pub fn tokens(&self, value: &TokenStream) -> TokenStream {
        let arms = self.ranges.iter().map(|&(lo, hi)| {
            if lo == hi {
                quote!(#lo)
            } else {
                quote!(#lo..=#hi)
            }
        });
        let listed = quote!(::std::matches!(c, #(#arms)|*));
        let each = if self.negated {
            quote!(!#listed)
        } else {
            listed
        };
        let all = quote!(#value.chars().all(|c| #each));
        if self.at_least_one {
            quote!((!#value.is_empty() && #all))
        } else {
            quote!((#all))
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Atom {
    /// A character, escaped or not (`\-` included).
    Char(char),
    /// A class escape such as `\d`.
    Range(char, char),
    /// An unescaped `-`, which may join two characters into a range.
    Dash,
}

/// Pairs `a`, `-`, `z` into ranges; a `-` first or last is itself.
fn ranges(atoms: &[Atom]) -> Option<Vec<(char, char)>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < atoms.len() {
        match (atoms[i], atoms.get(i + 1), atoms.get(i + 2)) {
            (Atom::Char(lo), Some(Atom::Dash), Some(&Atom::Char(hi))) => {
                if lo > hi {
                    return None;
                }
                out.push((lo, hi));
                i += 3;
            }
            // A range from or to a class escape or a dash (`\d-x`, `a--`, `--a`): errors or
            // oddities of the grammar, left to the regex.
            (_, Some(Atom::Dash), Some(_)) | (Atom::Dash, Some(Atom::Dash), _) => return None,
            (Atom::Char(c), ..) => {
                out.push((c, c));
                i += 1;
            }
            (Atom::Dash, ..) => {
                out.push(('-', '-'));
                i += 1;
            }
            (Atom::Range(lo, hi), ..) => {
                out.push((lo, hi));
                i += 1;
            }
        }
    }
    Some(out)
}

/// Replaces `PATTERN.find(value).is_none()` by the inline test wherever `PATTERN` is a
/// `regress::Regex` of a [`Class`] declared in the same block, and removes the declaration
/// once no use of it is left; returns how many checks it replaced.
pub fn check_simple_patterns_inline(file: &mut syn::File) -> usize {
    struct Inliner(usize);
    impl syn::visit_mut::VisitMut for Inliner {
        fn visit_block_mut(&mut self, block: &mut syn::Block) {
            syn::visit_mut::visit_block_mut(self, block);
            let found =
                block.stmts.iter().enumerate().find_map(|(at, stmt)| {
                    regex_static(stmt).map(|(name, class)| (at, name, class))
                });
            let Some((at, name, class)) = found else {
                return;
            };
            let mut replacer = Replacer {
                name: &name,
                class: &class,
                replaced: 0,
                left: 0,
            };
            for stmt in &mut block.stmts[at + 1..] {
                syn::visit_mut::VisitMut::visit_stmt_mut(&mut replacer, stmt);
            }
            if replacer.replaced > 0 && replacer.left == 0 {
                block.stmts.remove(at);
            }
            self.0 += replacer.replaced;
        }
    }
    let mut inliner = Inliner(0);
    syn::visit_mut::VisitMut::visit_file_mut(&mut inliner, file);
    inliner.0
}

/// `static NAME: LazyLock<regress::Regex> = LazyLock::new(|| regress::Regex::new("…").unwrap());`
/// with a pattern [`Class`] reads: its name and the class.
fn regex_static(stmt: &syn::Stmt) -> Option<(syn::Ident, Class)> {
    let syn::Stmt::Item(syn::Item::Static(item)) = stmt else {
        return None;
    };
    let ty = item.ty.to_token_stream().to_string();
    if !ty.contains("regress") {
        return None;
    }
    // The one string literal of the initialiser is the pattern.
    let pattern = first_string(item.expr.to_token_stream())?;
    Some((item.ident.clone(), Class::parse(&pattern)?))
}

fn first_string(tokens: TokenStream) -> Option<String> {
    tokens.into_iter().find_map(|tree| match tree {
        proc_macro2::TokenTree::Literal(literal) => {
            syn::parse2::<syn::LitStr>(literal.into_token_stream())
                .ok()
                .map(|s| s.value())
        }
        proc_macro2::TokenTree::Group(group) => first_string(group.stream()),
        _ => None,
    })
}

struct Replacer<'a> {
    name: &'a syn::Ident,
    class: &'a Class,
    replaced: usize,
    /// Uses of the regex this does not recognise, which keep it declared.
    left: usize,
}

impl syn::visit_mut::VisitMut for Replacer<'_> {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        if let syn::Expr::MethodCall(is_none) = expr
            && is_none.method == "is_none"
            && is_none.args.is_empty()
            && let syn::Expr::MethodCall(find) = &*is_none.receiver
            && find.method == "find"
            && find.args.len() == 1
            && is_ident(&find.receiver, &self.name.to_string())
        {
            let value = find.args[0].to_token_stream();
            let test = self.class.tokens(&value);
            if let Ok(replacement) = syn::parse2(quote!(!#test)) {
                *expr = replacement;
                self.replaced += 1;
                return;
            }
        }
        if is_ident(expr, &self.name.to_string()) {
            self.left += 1;
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}
