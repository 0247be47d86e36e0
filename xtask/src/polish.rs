//! Edits to progenitor's output, made on its syntax tree before formatting, for work every
//! request would otherwise pay for and that progenitor has no setting to leave out.
//!
//! - **No `api-version` header.** progenitor adds one to every request, from the spec's
//!   `info.version`; the Lightfield API is versioned by `Lightfield-Version` (sent by the
//!   transport) and ignores it. Building the header and taking it off again cost about 1%
//!   of a small request, so the statement is removed and the header map sized without it.
//! - **Record answers are not parsed here.** A method answering one record returns it as
//!   `crate::RawRecord`, the body's bytes, through `crate::RawRecord::from_response`
//!   instead of `ResponseValue::from_response`: the `lightfield` crate parses the record
//!   once, into its own types, so checking the JSON here first would read it twice.
//! - **Bodies are read once.** Every other answer is decoded by `crate::json_response`,
//!   which takes the bytes a hook has already read (`crate::ReadBody`) instead of reading
//!   the body again; the transport reads each body itself, to bound its size and retry a
//!   body cut short.
//! - **Header names are constants.** A parameter header (`Idempotency-Key`) is written
//!   as text, which is parsed and lowercased on every request; it becomes
//!   `HeaderName::from_static`. A header map left empty is not created at all.
//! - **Path segments are not copied.** progenitor encodes a path parameter as
//!   `encode_path(&id.to_string())`; for a `&str` parameter that copy is dropped.
//!
//! The edits look for exact shapes. Generation fails when the first three find nothing to
//! edit, so a progenitor upgrade that changes those shapes is noticed rather than silently
//! undone (the snapshot test shows the rest).

use syn::visit_mut::VisitMut;
use syn::{Expr, ImplItemFn, Stmt};

/// What the edits changed, to check against what was expected.
#[derive(Debug, Default)]
pub struct Edits {
    /// `api-version` header statements removed.
    pub version_headers: usize,
    /// Success arms of record answers rewritten.
    pub record_answers: usize,
    /// Other answers decoded through `crate::json_response`.
    pub json_answers: usize,
    /// Header names given as text, made constants.
    pub header_names: usize,
    /// `&str` path parameters no longer copied into a `String` before encoding.
    pub path_copies: usize,
}

/// Applies every edit to the generated file.
pub fn polish(file: &mut syn::File) -> Result<Edits, String> {
    let mut pass = Pass::default();
    pass.visit_file_mut(file);
    let edits = &pass.edits;
    if edits.version_headers == 0 || edits.record_answers == 0 || edits.json_answers == 0 {
        return Err(format!(
            "progenitor's output no longer has the shapes xtask/src/polish.rs edits ({:?}); \
             update the pass for the new progenitor",
            pass.edits
        ));
    }
    Ok(pass.edits)
}

#[derive(Default)]
struct Pass {
    edits: Edits,
    /// Whether the method being visited answers `ResponseValue<crate::RawRecord>`.
    in_record_method: bool,
    /// Whether the method being visited lost its (empty) header map.
    without_header_map: bool,
    /// The method's parameters that are already `&str`.
    str_params: Vec<String>,
}

impl VisitMut for Pass {
    fn visit_impl_item_fn_mut(&mut self, method: &mut ImplItemFn) {
        let output = &method.sig.output;
        self.in_record_method = quote::quote!(#output)
            .to_string()
            .replace(' ', "")
            .contains("ResponseValue<crate::RawRecord>");
        self.str_params = method
            .sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                syn::FnArg::Typed(typed) => {
                    let ty = &typed.ty;
                    let is_str = quote::quote!(#ty).to_string().replace(' ', "") == "&'astr";
                    match &*typed.pat {
                        syn::Pat::Ident(name) if is_str => Some(name.ident.to_string()),
                        _ => None,
                    }
                }
                syn::FnArg::Receiver(_) => None,
            })
            .collect();
        syn::visit_mut::visit_impl_item_fn_mut(self, method);
        self.in_record_method = false;
        self.without_header_map = false;
        self.str_params.clear();
    }

    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let before = block.stmts.len();
        block.stmts.retain(|stmt| !is_version_header(stmt));
        let removed = before - block.stmts.len();
        if removed > 0 {
            self.edits.version_headers += removed;
            for stmt in &mut block.stmts {
                shrink_header_capacity(stmt, removed);
            }
            // A map left with nothing to hold goes, and so does handing it to the request
            // (which costs a pass over the request's headers).
            let before = block.stmts.len();
            block.stmts.retain(|stmt| !is_empty_header_map(stmt));
            self.without_header_map |= block.stmts.len() < before;
        }
        syn::visit_mut::visit_block_mut(self, block);
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if self.without_header_map
            && let Expr::MethodCall(call) = expr
            && call.method == "headers"
            && call.args.len() == 1
            && quote::quote!(#call)
                .to_string()
                .ends_with(". headers (header_map)")
        {
            *expr = (*call.receiver).clone();
        }
        if let Expr::MethodCall(call) = expr
            && call.method == "append"
            && let Some(Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(name),
                ..
            })) = call.args.first()
            && let Some(lower) = static_header_name(&name.value())
        {
            call.args[0] = syn::parse_quote! {
                ::reqwest::header::HeaderName::from_static(#lower)
            };
            self.edits.header_names += 1;
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }

    fn visit_arm_mut(&mut self, arm: &mut syn::Arm) {
        if self.in_record_method && is_plain_from_response(&arm.body) {
            *arm.body = syn::parse_quote! { crate::RawRecord::from_response(response).await };
            self.edits.record_answers += 1;
        }
        syn::visit_mut::visit_arm_mut(self, arm);
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        // `format!` arguments are tokens to syn: parse them to reach the path segments
        // inside (the URL is built with `format!`), and write them back.
        use syn::punctuated::Punctuated;
        if mac.path.is_ident("format")
            && let Ok(mut args) =
                mac.parse_body_with(Punctuated::<Expr, syn::Token![,]>::parse_terminated)
        {
            for arg in &mut args {
                self.visit_expr_mut(arg);
            }
            mac.tokens = quote::quote!(#args);
        }
    }

    fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
        if let Some(name) = str_to_string_path_segment(call, &self.str_params) {
            call.args[0] = syn::parse_quote! { #name };
            self.edits.path_copies += 1;
        }
        if is_from_response(&call.func) {
            *call.func = syn::parse_quote! { crate::json_response };
            self.edits.json_answers += 1;
        }
        syn::visit_mut::visit_expr_call_mut(self, call);
    }
}

/// `header_map.append(HeaderName::from_static("api-version"), …);`
fn is_version_header(stmt: &Stmt) -> bool {
    let Stmt::Expr(Expr::MethodCall(call), Some(_)) = stmt else {
        return false;
    };
    call.method == "append"
        && call
            .args
            .first()
            .is_some_and(|name| quote::quote!(#name).to_string().contains("\"api-version\""))
}

/// `let mut header_map = HeaderMap::with_capacity(N);` becomes `N - removed`.
fn shrink_header_capacity(stmt: &mut Stmt, removed: usize) {
    let Stmt::Local(local) = stmt else { return };
    let Some(init) = &mut local.init else { return };
    let Expr::Call(call) = &mut *init.expr else {
        return;
    };
    let callee = &call.func;
    if !quote::quote!(#callee)
        .to_string()
        .ends_with("with_capacity")
    {
        return;
    }
    if let Some(Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Int(n),
        ..
    })) = call.args.first_mut()
        && let Ok(value) = n.base10_parse::<usize>()
    {
        let capacity = value.saturating_sub(removed);
        *n = syn::LitInt::new(&format!("{capacity}usize"), n.span());
    }
}

/// A header name progenitor writes as text (parsed again on every request), as the
/// lowercase constant `HeaderName::from_static` takes; `None` for anything but a plain
/// token, which is left to be parsed.
fn static_header_name(name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    let plain = !lower.is_empty()
        && lower
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    plain.then_some(lower)
}

/// `let mut header_map = HeaderMap::with_capacity(0usize);`
fn is_empty_header_map(stmt: &Stmt) -> bool {
    let Stmt::Local(local) = stmt else {
        return false;
    };
    let text = quote::quote!(#local).to_string().replace(' ', "");
    text.starts_with("letmutheader_map=") && text.ends_with("with_capacity(0usize);")
}

/// An arm whose whole body is `ResponseValue::from_response(response).await` (a success
/// answer; error answers wrap it in `Err(…)`).
fn is_plain_from_response(body: &Expr) -> bool {
    // progenitor writes each arm's body as a block of one expression.
    let body = match body {
        Expr::Block(block) => match block.block.stmts.as_slice() {
            [Stmt::Expr(inner, None)] => inner,
            _ => return false,
        },
        other => other,
    };
    let Expr::Await(awaited) = body else {
        return false;
    };
    let Expr::Call(call) = &*awaited.base else {
        return false;
    };
    is_from_response(&call.func)
}

/// `encode_path(&id.to_string())` where `id` is a `&str` parameter: the identifier to pass
/// as it is (`encode_path` takes a `&str`; the copy is only needed for other types).
fn str_to_string_path_segment(call: &syn::ExprCall, str_params: &[String]) -> Option<syn::Ident> {
    let callee = &call.func;
    if quote::quote!(#callee).to_string() != "encode_path" || call.args.len() != 1 {
        return None;
    }
    let Some(Expr::Reference(reference)) = call.args.first() else {
        return None;
    };
    let Expr::MethodCall(to_string) = &*reference.expr else {
        return None;
    };
    let Expr::Path(receiver) = &*to_string.receiver else {
        return None;
    };
    let name = receiver.path.get_ident()?;
    (to_string.method == "to_string"
        && to_string.args.is_empty()
        && str_params.contains(&name.to_string()))
    .then(|| name.clone())
}

/// `ResponseValue::from_response`, the function progenitor decodes every answer with.
fn is_from_response(callee: &Expr) -> bool {
    quote::quote!(#callee).to_string().replace(' ', "") == "ResponseValue::from_response"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn method_pair() -> syn::File {
        syn::parse_quote! {
            impl Client {
                pub async fn thing_retrieve<'a>(
                    &'a self,
                    id: &'a str,
                    page: u64,
                ) -> Result<ResponseValue<crate::RawRecord>, Error<types::ErrorBody>> {
                    let url = format!(
                        "{}/v1/things/{}/{}",
                        self.baseurl,
                        encode_path(&id.to_string()),
                        encode_path(&page.to_string()),
                    );
                    let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
                    header_map.append(
                        ::reqwest::header::HeaderName::from_static("api-version"),
                        ::reqwest::header::HeaderValue::from_static(Self::api_version()),
                    );
                    let request = self.client.get(url).headers(header_map).build()?;
                    let response = self.exec(request).await?;
                    match response.status().as_u16() {
                        200u16 => { ResponseValue::from_response(response).await }
                        400u16..=499u16 => {
                            Err(Error::ErrorResponse(ResponseValue::from_response(response).await?))
                        }
                        _ => Err(Error::UnexpectedResponse(response)),
                    }
                }
                pub async fn thing_list<'a>(
                    &'a self,
                    key: Option<&'a str>,
                ) -> Result<ResponseValue<types::ListResponse>, Error<types::ErrorBody>> {
                    let mut header_map = ::reqwest::header::HeaderMap::with_capacity(2usize);
                    header_map.append(
                        ::reqwest::header::HeaderName::from_static("api-version"),
                        ::reqwest::header::HeaderValue::from_static(Self::api_version()),
                    );
                    if let Some(value) = key {
                        header_map.append("Idempotency-Key", value.to_string().try_into()?);
                    }
                    let request = self.client.get(url).headers(header_map).build()?;
                    let response = self.exec(request).await?;
                    match response.status().as_u16() {
                        200u16 => { ResponseValue::from_response(response).await }
                        _ => Err(Error::UnexpectedResponse(response)),
                    }
                }
            }
        }
    }

    #[test]
    fn drops_the_version_header_and_reads_single_records_raw() {
        let mut file = method_pair();
        let edits = polish(&mut file).expect("both shapes are present");
        assert_eq!(
            (
                edits.version_headers,
                edits.record_answers,
                edits.json_answers
            ),
            (2, 1, 2)
        );
        let text = prettyplease::unparse(&file);
        assert!(!text.contains("api-version"), "{text}");
        // Other headers stay, in a map sized for what is left; a map left empty goes.
        assert!(
            text.contains("HeaderName::from_static(\"idempotency-key\")"),
            "{text}"
        );
        assert!(
            text.contains(
                "let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize)"
            ),
            "{text}"
        );
        assert_eq!(text.matches("header_map").count(), 3, "{text}");
        assert_eq!(text.matches(".headers(header_map)").count(), 1, "{text}");
        // The record's success arm is read raw; its error answer and the page are parsed,
        // from the bytes already read.
        let raw = text
            .matches("crate::RawRecord::from_response(response)")
            .count();
        let parsed = text.matches("crate::json_response(response)").count();
        assert_eq!((raw, parsed), (1, 2), "{text}");
        assert!(!text.contains("ResponseValue::from_response"), "{text}");
        // A `&str` path parameter is encoded as it is; others still go through text.
        assert!(text.contains("encode_path(id)"), "{text}");
        let compact: String = text.split_whitespace().collect();
        assert!(compact.contains("encode_path(&page.to_string())"), "{text}");
    }

    #[test]
    fn output_without_the_shapes_is_refused() {
        let mut file: syn::File = syn::parse_quote! { impl Client {} };
        let error = polish(&mut file).expect_err("nothing to edit");
        assert!(error.contains("polish.rs"), "{error}");
    }
}
