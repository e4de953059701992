//! progenitor builds a `HeaderMap` for every request, allocated with room for the headers it
//! expects, and hands it to reqwest with `.headers(header_map)`, which walks it into the
//! request's own map. For an operation with no header parameters the map stays empty, and
//! the allocation, the walk and the drop are all the work there is (about 700 instructions a
//! request, see `benches/overhead.rs`).

use quote::ToTokens;

use super::{is_ident, path_ends_with};

const NAME: &str = "header_map";

/// In each block where `header_map` is only declared and passed to `.headers(..)`, removes
/// the declaration and that call; returns how many maps it removed.
pub fn drop_empty_header_maps(file: &mut syn::File) -> usize {
    struct Dropper(usize);
    impl syn::visit_mut::VisitMut for Dropper {
        fn visit_block_mut(&mut self, block: &mut syn::Block) {
            syn::visit_mut::visit_block_mut(self, block);
            let Some(at) = block.stmts.iter().position(declares_map) else {
                return;
            };
            // The declaration and the one `.headers(header_map)`; anything else (an `append`,
            // an `insert`) means the map is used.
            if mentions(block) != 2 {
                return;
            }
            let mut unwrapper = Unwrapper(0);
            for stmt in &mut block.stmts[at + 1..] {
                syn::visit_mut::VisitMut::visit_stmt_mut(&mut unwrapper, stmt);
            }
            if unwrapper.0 == 1 {
                block.stmts.remove(at);
                self.0 += 1;
            }
        }
    }
    let mut dropper = Dropper(0);
    syn::visit_mut::VisitMut::visit_file_mut(&mut dropper, file);
    dropper.0
}

/// `let mut header_map = HeaderMap::with_capacity(..);` or `HeaderMap::new()`: a map that
/// starts empty, so that dropping it can drop no header.
fn declares_map(stmt: &syn::Stmt) -> bool {
    let syn::Stmt::Local(local) = stmt else {
        return false;
    };
    let named = matches!(&local.pat, syn::Pat::Ident(pat) if pat.ident == NAME);
    let starts_empty = local.init.as_ref().is_some_and(|init| {
        init.diverge.is_none()
            && matches!(&*init.expr, syn::Expr::Call(call)
                if matches!(&*call.func, syn::Expr::Path(path)
                    if path_ends_with(&path.path, &["HeaderMap", "with_capacity"])
                        || path_ends_with(&path.path, &["HeaderMap", "new"])))
    });
    named && starts_empty
}

/// How many times the identifier `header_map` appears in `block`.
fn mentions(block: &syn::Block) -> usize {
    fn count(tokens: proc_macro2::TokenStream) -> usize {
        tokens
            .into_iter()
            .map(|tree| match tree {
                proc_macro2::TokenTree::Ident(ident) => usize::from(ident == NAME),
                proc_macro2::TokenTree::Group(group) => count(group.stream()),
                _ => 0,
            })
            .sum()
    }
    count(block.to_token_stream())
}

/// Replaces `receiver.headers(header_map)` by `receiver`, counting the replacements.
struct Unwrapper(usize);

impl syn::visit_mut::VisitMut for Unwrapper {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        if let syn::Expr::MethodCall(call) = expr
            && call.method == "headers"
            && call.args.len() == 1
            && call.args.first().is_some_and(|arg| is_ident(arg, NAME))
        {
            let receiver = (*call.receiver).clone();
            *expr = receiver;
            self.0 += 1;
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}
