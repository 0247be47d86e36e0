//! What `#[derive(Record)]` and `#[derive(Select)]` refuse, and how they say it: each file
//! under `tests/ui` must fail to compile with the message beside it.
#![cfg(feature = "derive")]

#[test]
fn the_derives_refuse_what_they_cannot_map() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
