//! progenitor's generated code decodes every JSON reply with
//! `ResponseValue::from_response(response)`, which copies the response's headers before it
//! reads the body, then drops the originals with the response: a `HeaderMap` cloned and freed
//! on every call, about 1,000 instructions (see `benches/overhead.rs`). The crate's own
//! decoder (named in [`Config::response_decoder`](crate::codegen::Config)) moves them
//! instead and otherwise does the same: same type, same errors.

use super::path_ends_with;

/// Replaces each `ResponseValue::from_response` path by `decoder`; returns how many.
pub fn decode_without_copying_headers(file: &mut syn::File, decoder: &syn::Path) -> usize {
    struct Replacer<'a> {
        decoder: &'a syn::Path,
        replaced: usize,
    }
    impl syn::visit_mut::VisitMut for Replacer<'_> {
        fn visit_expr_path_mut(&mut self, path: &mut syn::ExprPath) {
            // A path with type arguments (`ResponseValue::<T>::from_response`) would lose
            // them, so it is left alone; progenitor writes none.
            if path.qself.is_none()
                && path_ends_with(&path.path, &["ResponseValue", "from_response"])
            {
                path.path = self.decoder.clone();
                self.replaced += 1;
            }
            syn::visit_mut::visit_expr_path_mut(self, path);
        }
    }
    let mut replacer = Replacer {
        decoder,
        replaced: 0,
    };
    syn::visit_mut::VisitMut::visit_file_mut(&mut replacer, file);
    replacer.replaced
}
