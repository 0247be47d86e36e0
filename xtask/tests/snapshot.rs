//! The generated client, as a snapshot: a spec change shows up in `cargo insta review`.

#[test]
fn generated_client_matches_snapshot() {
    let code = xtask::generate_from_workspace().unwrap_or_else(|e| panic!("{e}"));
    insta::assert_snapshot!("generated_client", code);
}

#[test]
fn generated_tables_match_snapshot() {
    let spec = xtask::read_spec().unwrap_or_else(|e| panic!("{e}"));
    let tables = xtask::generate_tables(&spec).unwrap_or_else(|e| panic!("{e}"));
    insta::assert_snapshot!("generated_tables", tables);
}

#[test]
fn every_operation_has_a_category() {
    let spec = xtask::read_spec().unwrap_or_else(|e| panic!("{e}"));
    let tables = xtask::generate_tables(&spec).unwrap_or_else(|e| panic!("{e}"));
    let operations = tables.matches("category: Category::").count();
    let declared = spec.matches("operationId:").count();
    assert_eq!(operations, declared, "one table row per operation");
    let broken = spec.replace(
        "x-rate-limit-category: Search",
        "x-rate-limit-category: Bulk",
    );
    let err = xtask::generate_tables(&broken).expect_err("an unknown category must fail");
    assert!(err.contains("unknown rate-limit category"), "{err}");
}

#[test]
fn generation_is_deterministic() {
    let first = xtask::generate_from_workspace().unwrap_or_else(|e| panic!("{e}"));
    let second = xtask::generate_from_workspace().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first, second, "two generations of the same spec differ");
}

#[test]
fn a_broken_spec_is_reported_not_panicked() {
    let err = xtask::generate("openapi: 3.0.3\ninfo: [").expect_err("invalid YAML must fail");
    assert!(
        err.contains("not valid OpenAPI"),
        "unexpected message: {err}"
    );
}
