//! What does not compile, and how the compiler says it: each file under `tests/ui` must
//! fail with the message beside it. `ui/derive`: what `#[derive(Record)]` and
//! `#[derive(Select)]` refuse; `ui/api`: calls the API does not have for a type, and
//! settings that would mean nothing (an idempotency key on a read).

#[test]
fn what_the_api_does_not_have_does_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/api/*.rs");
    #[cfg(feature = "derive")]
    cases.compile_fail("tests/ui/derive/*.rs");
}
