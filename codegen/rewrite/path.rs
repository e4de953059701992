//! progenitor writes each path parameter into the URL as
//! `encode_path(&value.to_string())`: the value copied into a `String`, then percent-encoded
//! into another, both freed once the URL is formatted. The crate's encoder (named in
//! [`Config::path_encoder`](crate::codegen::Config)) is a `Display` wrapper that
//! percent-encodes the value's text as the URL is formatted, with the same set of bytes, so the
//! URL comes out the same without the two copies.

use syn::punctuated::Punctuated;

use super::path_ends_with;

/// Replaces `encode_path(&x.to_string())` inside `format!` calls with `encoder(&x)`; returns
/// how many.
pub fn encode_paths_in_place(file: &mut syn::File, encoder: &syn::Path) -> usize {
    struct Replacer<'a> {
        encoder: &'a syn::Path,
        replaced: usize,
    }
    impl syn::visit_mut::VisitMut for Replacer<'_> {
        fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
            if !mac.path.is_ident("format") {
                return;
            }
            // The arguments of `format!` are expressions after the format string; a macro
            // whose tokens are not such a list is left as it is.
            let parser = Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
            let Ok(mut args) = syn::parse::Parser::parse2(parser, mac.tokens.clone()) else {
                return;
            };
            let mut changed = 0;
            for arg in args.iter_mut().skip(1) {
                if let Some(value) = to_string_receiver(arg) {
                    let encoder = self.encoder;
                    *arg = syn::parse_quote!(#encoder(&#value));
                    changed += 1;
                }
            }
            if changed > 0 {
                mac.tokens = quote::ToTokens::into_token_stream(args);
                self.replaced += changed;
            }
        }
    }
    let mut replacer = Replacer {
        encoder,
        replaced: 0,
    };
    syn::visit_mut::VisitMut::visit_file_mut(&mut replacer, file);
    replacer.replaced
}

/// `value` when `expr` is `encode_path(&value.to_string())`.
fn to_string_receiver(expr: &syn::Expr) -> Option<syn::Expr> {
    let syn::Expr::Call(call) = expr else {
        return None;
    };
    let syn::Expr::Path(function) = &*call.func else {
        return None;
    };
    if function.qself.is_some()
        || !path_ends_with(&function.path, &["encode_path"])
        || call.args.len() != 1
    {
        return None;
    }
    let syn::Expr::Reference(reference) = &call.args[0] else {
        return None;
    };
    if reference.mutability.is_some() {
        return None;
    }
    let syn::Expr::MethodCall(copy) = &*reference.expr else {
        return None;
    };
    let plain = copy.method == "to_string" && copy.args.is_empty() && copy.turbofish.is_none();
    // A bare binding only: that is what progenitor writes, and a narrow match is one a new
    // progenitor cannot surprise.
    let binding = matches!(
        &*copy.receiver,
        syn::Expr::Path(path) if path.qself.is_none() && path.path.get_ident().is_some()
    );
    (plain && binding).then(|| (*copy.receiver).clone())
}
