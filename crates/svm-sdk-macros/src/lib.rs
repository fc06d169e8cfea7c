//! The attribute macros of `svm-sdk` (use them as `svm_sdk::storage` and so on).
//!
//! - `#[storage]` on a struct: each field is a storage variable (id = its position), with a
//!   getter `field()` and a setter `set_field(value)`; the layout goes into the Wasm's
//!   `svm-meta` custom section.
//! - `#[ctor]`, `#[endpoint]`: the function stays callable from Rust (native tests); on
//!   `wasm32` an export of the same name decodes its arguments from the calldata (the codec's
//!   ABI), calls it and encodes its return value as the returndata. Bad calldata aborts the
//!   call with a reason (`svm_abort`).
//! - `#[verify]`: a `fn() -> bool` exported as `svm_verify`.
//! - `#[interface]` on a trait: the endpoints of another template, declared once; becomes a
//!   handle type of the trait's name whose methods call an account of that template
//!   (`&mut self`: `svm_call`, `&self`: `svm_static_call`), with ABI-encoded arguments and
//!   a decoded result.
//!
//! Every macro also writes a record into the `svm-meta` custom section, from which the CLI
//! builds the deploy message's metadata: the layout, the constructors and the API.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

use proc_macro::TokenStream;
use quote::{format_ident, quote};
use syn::{
    FnArg, ItemFn, ItemStruct, ItemTrait, Pat, ReturnType, TraitItem, Type, parse_macro_input,
};

/// Metadata record kinds of the `svm-meta` section (see `svm_sdk::meta`).
const KIND_CTOR: u8 = 2;
const KIND_ENDPOINT: u8 = 3;
const KIND_VERIFY: u8 = 4;

/// A static in the `svm-meta` custom section (wasm32 only) holding one record:
/// `kind u8 · length u16 BE · payload`.
fn meta_record(kind: u8, payload: &str, unique: &syn::Ident) -> proc_macro2::TokenStream {
    let mut bytes = vec![kind, (payload.len() >> 8) as u8, payload.len() as u8];
    bytes.extend_from_slice(payload.as_bytes());
    let len = bytes.len();
    let name = format_ident!("__SVM_META_{}", unique.to_string().to_uppercase());
    let lit = syn::LitByteStr::new(&bytes, proc_macro2::Span::call_site());
    quote! {
        #[cfg(target_arch = "wasm32")]
        #[unsafe(link_section = "svm-meta")]
        #[used]
        static #name: [u8; #len] = *#lit;
    }
}

/// A type's text as written (`u64`, `Address`, `Vec<u8>`), for the API description.
fn type_text(ty: &Type) -> String {
    quote!(#ty).to_string().replace(' ', "")
}

/// The exported wrapper of a constructor or endpoint.
fn exported(item: ItemFn, kind: u8) -> TokenStream {
    let name = &item.sig.ident;
    let export = name.to_string();
    let wrapper = format_ident!("__svm_export_{}", name);
    let mut args = Vec::new();
    let mut decode = Vec::new();
    let mut types = Vec::new();
    for (i, input) in item.sig.inputs.iter().enumerate() {
        let FnArg::Typed(pt) = input else {
            return syn::Error::new_spanned(input, "an svm endpoint takes no `self`")
                .to_compile_error()
                .into();
        };
        let ty = &pt.ty;
        let arg = match &*pt.pat {
            Pat::Ident(id) => id.ident.clone(),
            _ => format_ident!("__arg{}", i),
        };
        decode.push(quote! {
            let #arg: #ty = ::svm_sdk::abi::Decode::decode(&mut __input)
                .unwrap_or_else(|e| ::svm_sdk::env::abort_with(#export, e));
        });
        args.push(arg);
        types.push(type_text(ty));
    }
    let (ret, encode) = match &item.sig.output {
        ReturnType::Default => (String::new(), quote! { let () = __out; }),
        ReturnType::Type(_, ty) => (
            format!("->{}", type_text(ty)),
            quote! { ::svm_sdk::env::set_returndata(&::svm_sdk::abi::encode_one(&__out)); },
        ),
    };
    let record = meta_record(kind, &format!("{export}({}){ret}", types.join(",")), name);
    quote! {
        // natively the function is called by tests only
        #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
        #item

        #[cfg(target_arch = "wasm32")]
        #[doc(hidden)]
        #[unsafe(export_name = #export)]
        pub extern "C" fn #wrapper() {
            let __calldata = ::svm_sdk::env::calldata();
            let mut __input = ::svm_sdk::abi::Reader::new(&__calldata);
            #(#decode)*
            if let Err(e) = __input.finish() {
                ::svm_sdk::env::abort_with(#export, e);
            }
            let __out = #name(#(#args),*);
            #encode
        }

        #record
    }
    .into()
}

/// A constructor: runs once, when an account is spawned from the template.
#[proc_macro_attribute]
pub fn ctor(_attr: TokenStream, item: TokenStream) -> TokenStream {
    exported(parse_macro_input!(item as ItemFn), KIND_CTOR)
}

/// An endpoint: a function a call message may name.
#[proc_macro_attribute]
pub fn endpoint(_attr: TokenStream, item: TokenStream) -> TokenStream {
    exported(parse_macro_input!(item as ItemFn), KIND_ENDPOINT)
}

/// The template's `svm_verify`: a `fn() -> bool` that authorises a transaction whose
/// principal is an account of this template (read the verifydata with
/// `svm_sdk::env::calldata()`, the signed hash with `svm_sdk::env::sighash()`).
#[proc_macro_attribute]
pub fn verify(_attr: TokenStream, item: TokenStream) -> TokenStream {
    let item = parse_macro_input!(item as ItemFn);
    let name = &item.sig.ident;
    let record = meta_record(KIND_VERIFY, "svm_verify()->bool", name);
    quote! {
        #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
        #item

        #[cfg(target_arch = "wasm32")]
        #[doc(hidden)]
        #[unsafe(export_name = "svm_verify")]
        pub extern "C" fn __svm_export_verify() -> i32 {
            i32::from(#name())
        }

        #record
    }
    .into()
}

/// A storage layout: each field of the struct is a variable (id = position), of the field
/// type's `Storable::SIZE` bytes. Generates `Struct::field()` and `Struct::set_field(v)`.
#[proc_macro_attribute]
pub fn storage(_attr: TokenStream, item: TokenStream) -> TokenStream {
    let item = parse_macro_input!(item as ItemStruct);
    let name = &item.ident;
    let syn::Fields::Named(fields) = &item.fields else {
        return syn::Error::new_spanned(&item, "#[storage] needs a struct with named fields")
            .to_compile_error()
            .into();
    };
    let mut accessors = Vec::new();
    let mut sizes = Vec::new();
    for (i, field) in fields.named.iter().enumerate() {
        let ident = field.ident.as_ref().expect("named field");
        let setter = format_ident!("set_{}", ident);
        let ty = &field.ty;
        let var = i as u32;
        accessors.push(quote! {
            /// Reads the variable.
            pub fn #ident() -> #ty {
                ::svm_sdk::storage::load::<#ty>(#var)
            }
            /// Writes the variable.
            pub fn #setter(value: &#ty) {
                ::svm_sdk::storage::store::<#ty>(#var, value)
            }
        });
        sizes.push(quote! { <#ty as ::svm_sdk::storage::Storable>::SIZE });
    }
    let count = sizes.len();
    let meta = format_ident!("__SVM_META_LAYOUT_{}", name.to_string().to_uppercase());
    quote! {
        // the fields declare the variables; values are read through the accessors
        #[allow(dead_code)]
        #item

        impl #name {
            /// The variables' sizes in bytes, in order (variable id = index).
            pub const LAYOUT: [u32; #count] = [#(#sizes),*];
            #(#accessors)*
        }

        #[cfg(target_arch = "wasm32")]
        #[unsafe(link_section = "svm-meta")]
        #[used]
        static #meta: [u8; 3 + 4 * #count] = ::svm_sdk::meta::layout_record(&#name::LAYOUT);
    }
    .into()
}

/// Another template's endpoints, declared once and called like methods.
///
/// On a trait whose methods mirror the other template's `#[endpoint]`s (same names,
/// arguments and return types), generates a handle struct of the trait's name:
/// `Name::at(address)`, `with_amount(coins)` and `with_gas(gas)` (for the calls it makes),
/// `address()`, and one method per trait method returning `Result<T, svm_sdk::call::CallError>`.
/// A method taking `&mut self` is a call that may change state (`svm_call`); one taking
/// `&self` is a read-only call (`svm_static_call`).
#[proc_macro_attribute]
pub fn interface(_attr: TokenStream, item: TokenStream) -> TokenStream {
    let item = parse_macro_input!(item as ItemTrait);
    let name = &item.ident;
    let vis = &item.vis;
    let attrs = &item.attrs;
    let mut methods = Vec::new();
    for trait_item in &item.items {
        let TraitItem::Fn(f) = trait_item else {
            return syn::Error::new_spanned(trait_item, "an interface has methods only")
                .to_compile_error()
                .into();
        };
        let sig = &f.sig;
        let method = &sig.ident;
        let export = method.to_string();
        let method_attrs = &f.attrs;
        let mut receiver = None;
        let mut params = Vec::new();
        let mut pushes = Vec::new();
        for (i, input) in sig.inputs.iter().enumerate() {
            match input {
                FnArg::Receiver(r) if r.reference.is_some() => {
                    receiver = Some(r.mutability.is_some())
                }
                FnArg::Receiver(r) => {
                    return syn::Error::new_spanned(
                        r,
                        "take `&self` (static call) or `&mut self` (call)",
                    )
                    .to_compile_error()
                    .into();
                }
                FnArg::Typed(pt) => {
                    let ty = &pt.ty;
                    let arg = match &*pt.pat {
                        Pat::Ident(id) => id.ident.clone(),
                        _ => format_ident!("__arg{}", i),
                    };
                    params.push(quote! { #arg: #ty });
                    pushes.push(quote! { &#arg });
                }
            }
        }
        let Some(mutable) = receiver else {
            return syn::Error::new_spanned(
                sig,
                "take `&self` (static call) or `&mut self` (call)",
            )
            .to_compile_error()
            .into();
        };
        let (ret, decode) = match &sig.output {
            ReturnType::Default => (quote! { () }, quote! { let _ = __output; Ok(()) }),
            ReturnType::Type(_, ty) => (
                quote! { #ty },
                quote! { ::svm_sdk::call::decode_output::<#ty>(__output) },
            ),
        };
        let (self_ref, invoke) = if mutable {
            (
                quote! { &mut self },
                quote! {
                    ::svm_sdk::env::call(&self.address, #export, &__calldata,
                        self.options.amount, self.options.gas)?
                },
            )
        } else {
            (
                quote! { &self },
                quote! {
                    ::svm_sdk::env::static_call(&self.address, #export, &__calldata,
                        self.options.gas)?
                },
            )
        };
        methods.push(quote! {
            #(#method_attrs)*
            pub fn #method(#self_ref, #(#params),*) -> ::core::result::Result<#ret, ::svm_sdk::call::CallError> {
                let __calldata = ::svm_sdk::call::encode_args(&[#(#pushes),*]);
                let __output = #invoke;
                #decode
            }
        });
    }
    quote! {
        #(#attrs)*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #vis struct #name {
            address: ::svm_sdk::Address,
            options: ::svm_sdk::call::CallOptions,
        }

        impl #name {
            /// The handle of the account at `address`: calls send no coins and may use all
            /// the gas that can be forwarded.
            pub const fn at(address: ::svm_sdk::Address) -> Self {
                Self {
                    address,
                    options: ::svm_sdk::call::CallOptions { amount: 0, gas: 0 },
                }
            }

            /// The same handle, its state-changing calls sending `amount` coins.
            pub const fn with_amount(mut self, amount: u64) -> Self {
                self.options.amount = amount;
                self
            }

            /// The same handle, its calls giving the callee at most `gas`.
            pub const fn with_gas(mut self, gas: u64) -> Self {
                self.options.gas = gas;
                self
            }

            /// The account called.
            pub const fn address(&self) -> ::svm_sdk::Address {
                self.address
            }

            #(#methods)*
        }
    }
    .into()
}
