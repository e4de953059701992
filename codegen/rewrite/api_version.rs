//! progenitor 0.15 sends the spec's `info.version` in an `api-version` header on every
//! request, with no setting to turn it off. Vonage defines no such header: sending it leaks a
//! generator detail, and building it (then taking it out again at send time) cost about 2,000
//! instructions a request (see `benches/overhead.rs`).

/// Removes each `header_map.append(HeaderName::from_static("api-version"), ..);`, and returns
/// how many it removed.
pub fn drop_api_version_header(file: &mut syn::File) -> usize {
    struct Dropper(usize);
    impl syn::visit_mut::VisitMut for Dropper {
        fn visit_block_mut(&mut self, block: &mut syn::Block) {
            let before = block.stmts.len();
            block.stmts.retain(|stmt| !appends_api_version(stmt));
            self.0 += before - block.stmts.len();
            syn::visit_mut::visit_block_mut(self, block);
        }
    }
    let mut dropper = Dropper(0);
    syn::visit_mut::VisitMut::visit_file_mut(&mut dropper, file);
    dropper.0
}

fn appends_api_version(stmt: &syn::Stmt) -> bool {
    let syn::Stmt::Expr(syn::Expr::MethodCall(call), Some(_)) = stmt else {
        return false;
    };
    let Some(syn::Expr::Call(name)) = call.args.first() else {
        return false;
    };
    let from_static = matches!(&*name.func, syn::Expr::Path(path)
        if path.path.segments.last().is_some_and(|s| s.ident == "from_static"));
    call.method == "append"
        && from_static
        && matches!(name.args.first(), Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }))
            if s.value() == "api-version")
}
