//! Derives for the `lightfield` crate (enable its `derive` feature and use them from there).
//!
//! - `#[derive(Record)]` maps a struct to a record type of the organisation's schema: each
//!   field to a field key (`#[lightfield(key = "$name")]`, or by default the field's name in
//!   lowerCamelCase, as custom slugs are), relationships with `#[lightfield(relationship)]`,
//!   the record id with `#[lightfield(id)]`.
//! - `#[derive(Select)]` maps an enum to a select field's options: unit variants by label
//!   (`#[lightfield(label = "Closed Won")]`, or the variant's name), and one
//!   `Other(String)` variant that keeps any option the enum does not name.

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as Tokens};
use quote::quote;
use syn::{Data, DeriveInput, Error, Fields, LitStr, parse_macro_input};

/// See the crate documentation.
#[proc_macro_derive(Record, attributes(lightfield))]
pub fn derive_record(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    record(&input)
        .unwrap_or_else(Error::into_compile_error)
        .into()
}

/// See the crate documentation.
#[proc_macro_derive(Select, attributes(lightfield))]
pub fn derive_select(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    select(&input)
        .unwrap_or_else(Error::into_compile_error)
        .into()
}

/// What `#[lightfield(..)]` on one item says.
#[derive(Default)]
struct Attrs {
    object: Option<LitStr>,
    key: Option<LitStr>,
    label: Option<LitStr>,
    relationship: Option<Option<LitStr>>,
    id: bool,
    other: bool,
}

fn attrs(list: &[syn::Attribute], allowed: &[&str]) -> syn::Result<Attrs> {
    let mut out = Attrs::default();
    for attr in list.iter().filter(|a| a.path().is_ident("lightfield")) {
        attr.parse_nested_meta(|meta| {
            let name = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            if !allowed.contains(&name.as_str()) {
                return Err(meta.error(format!(
                    "unknown lightfield attribute `{name}` here; expected one of: {}",
                    allowed.join(", ")
                )));
            }
            match name.as_str() {
                "object" => out.object = Some(meta.value()?.parse()?),
                "key" => out.key = Some(meta.value()?.parse()?),
                "label" => out.label = Some(meta.value()?.parse()?),
                "relationship" => {
                    out.relationship = Some(if meta.input.peek(syn::Token![=]) {
                        Some(meta.value()?.parse()?)
                    } else {
                        None
                    })
                }
                "id" => out.id = true,
                "other" => out.other = true,
                _ => {}
            }
            Ok(())
        })?;
    }
    Ok(out)
}

/// `renewal_date` → `renewalDate`, as the API names custom slugs.
fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.trim_start_matches("r#").chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn record(input: &DeriveInput) -> syn::Result<Tokens> {
    let name = &input.ident;
    let container = attrs(&input.attrs, &["object"])?;
    let object = container.object.ok_or_else(|| {
        Error::new(
            Span::call_site(),
            "#[derive(Record)] needs #[lightfield(object = \"...\")]: the record type, e.g. \"account\" or a custom object's slug",
        )
    })?;
    let Data::Struct(data) = &input.data else {
        return Err(Error::new_spanned(
            name,
            "#[derive(Record)] works on structs with named fields",
        ));
    };
    let Fields::Named(fields) = &data.fields else {
        return Err(Error::new_spanned(
            name,
            "#[derive(Record)] works on structs with named fields",
        ));
    };
    let mut decode = Vec::new();
    let mut write_fields = Vec::new();
    let mut write_links = Vec::new();
    let mut specs = Vec::new();
    let mut id_field = None;
    for field in &fields.named {
        let ident = field
            .ident
            .clone()
            .ok_or_else(|| Error::new_spanned(field, "a named field"))?;
        let ty = &field.ty;
        let a = attrs(&field.attrs, &["key", "relationship", "id"])?;
        let rust = ident.to_string();
        if a.id {
            if id_field.is_some() {
                return Err(Error::new_spanned(
                    &ident,
                    "only one field can be #[lightfield(id)]",
                ));
            }
            id_field = Some(ident.clone());
            decode.push(quote! { #ident: ::core::convert::From::from(record.id.clone()) });
            continue;
        }
        if let Some(relationship) = a.relationship {
            let key = relationship
                .map(|k| k.value())
                .or(a.key.map(|k| k.value()))
                .unwrap_or_else(|| camel(&rust));
            decode.push(quote! {
                #ident: <#ty as ::lightfield::schema::LinkType>::from_ids(record.related(#key))
                    .map_err(|why| ::lightfield::schema::field_error(record, #rust, #key, why))?
            });
            write_links.push(quote! {
                if let ::core::option::Option::Some(ids) = ::lightfield::schema::LinkType::to_ids(&self.#ident) {
                    links.insert(#key.to_string(), ids);
                }
            });
            specs.push(quote! {
                ::lightfield::schema::FieldSpec {
                    rust: #rust, key: #key, relationship: true,
                    value_types: &[], optional: <#ty as ::lightfield::schema::LinkType>::OPTIONAL,
                    many: <#ty as ::lightfield::schema::LinkType>::MANY, labels: &[],
                }
            });
            continue;
        }
        let key = a.key.map(|k| k.value()).unwrap_or_else(|| camel(&rust));
        decode.push(quote! {
            #ident: <#ty as ::lightfield::schema::FieldType>::from_field(record.field(#key))
                .map_err(|why| ::lightfield::schema::field_error(record, #rust, #key, why))?
        });
        write_fields.push(quote! {
            fields.insert(#key.to_string(), ::lightfield::schema::FieldType::to_input(&self.#ident));
        });
        specs.push(quote! {
            ::lightfield::schema::FieldSpec {
                rust: #rust, key: #key, relationship: false,
                value_types: <#ty as ::lightfield::schema::FieldType>::VALUE_TYPES,
                optional: <#ty as ::lightfield::schema::FieldType>::OPTIONAL,
                many: false,
                labels: <#ty as ::lightfield::schema::FieldType>::LABELS,
            }
        });
    }
    let id = match &id_field {
        Some(ident) => {
            quote! { ::core::option::Option::Some(::core::convert::AsRef::<str>::as_ref(&self.#ident)) }
        }
        None => quote! { ::core::option::Option::None },
    };
    Ok(quote! {
        impl ::lightfield::schema::RecordType for #name {
            const OBJECT: &'static str = #object;

            fn from_record(record: &::lightfield::Record) -> ::core::result::Result<Self, ::lightfield::Error> {
                ::core::result::Result::Ok(Self { #(#decode),* })
            }

            fn fields(&self) -> ::std::collections::BTreeMap<::std::string::String, ::lightfield::InputValue> {
                let mut fields = ::std::collections::BTreeMap::new();
                #(#write_fields)*
                fields
            }

            fn links(&self) -> ::std::collections::BTreeMap<::std::string::String, ::lightfield::Ids> {
                let mut links = ::std::collections::BTreeMap::new();
                #(#write_links)*
                links
            }

            fn record_id(&self) -> ::core::option::Option<&str> {
                #id
            }

            fn specs() -> &'static [::lightfield::schema::FieldSpec] {
                &[#(#specs),*]
            }
        }

        impl #name {
            /// Compares this type with the organisation's live definitions and lists every
            /// mismatch (an empty list when they agree).
            pub async fn check(client: &::lightfield::Client) -> ::lightfield::Result<::std::vec::Vec<::lightfield::schema::Mismatch>> {
                ::lightfield::schema::check_type::<Self>(client).await
            }
        }
    })
}

fn select(input: &DeriveInput) -> syn::Result<Tokens> {
    let name = &input.ident;
    let Data::Enum(data) = &input.data else {
        return Err(Error::new_spanned(name, "#[derive(Select)] works on enums"));
    };
    let mut from = Vec::new();
    let mut to = Vec::new();
    let mut labels = Vec::new();
    let mut other = None;
    for variant in &data.variants {
        let ident = &variant.ident;
        let a = attrs(&variant.attrs, &["label", "other"])?;
        match &variant.fields {
            Fields::Unit => {
                let label = a
                    .label
                    .map(|l| l.value())
                    .unwrap_or_else(|| ident.to_string());
                from.push(quote! { #label => ::core::result::Result::Ok(Self::#ident) });
                to.push(quote! { Self::#ident => #label });
                labels.push(label);
            }
            Fields::Unnamed(f) if f.unnamed.len() == 1 && (a.other || ident == "Other") => {
                other = Some(ident.clone());
            }
            _ => {
                return Err(Error::new_spanned(
                    variant,
                    "Select variants are unit variants (one per option), plus one `Other(String)` for options the enum does not name",
                ));
            }
        }
    }
    let fallback = match &other {
        Some(ident) => {
            quote! { other => ::core::result::Result::Ok(Self::#ident(other.to_string())) }
        }
        None => quote! {
            other => ::core::result::Result::Err(::std::format!("`{other}` is not an option this enum names (add an `Other(String)` variant to keep such options)"))
        },
    };
    let other_to = other.map(|ident| quote! { Self::#ident(label) => label.as_str(), });
    Ok(quote! {
        impl ::lightfield::schema::FieldType for #name {
            const VALUE_TYPES: &'static [&'static str] = &["SINGLE_SELECT"];
            const LABELS: &'static [&'static str] = <Self as ::lightfield::schema::SelectValue>::LABELS;

            fn from_field(value: ::core::option::Option<&::lightfield::FieldValue>) -> ::core::result::Result<Self, ::std::string::String> {
                ::lightfield::schema::select_from_field(value)
            }

            fn to_input(&self) -> ::lightfield::InputValue {
                ::lightfield::InputValue::Text(::lightfield::schema::SelectValue::label(self).to_string())
            }
        }

        impl ::lightfield::schema::SelectValue for #name {
            const LABELS: &'static [&'static str] = &[#(#labels),*];

            fn from_label(label: &str) -> ::core::result::Result<Self, ::std::string::String> {
                match label {
                    #(#from,)*
                    #fallback,
                }
            }

            fn label(&self) -> &str {
                match self {
                    #(#to,)*
                    #other_to
                }
            }
        }
    })
}
