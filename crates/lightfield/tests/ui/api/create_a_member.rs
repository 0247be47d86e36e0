// Members are read-only in the API: their handle has no create.
fn main() {
    let client = lightfield::Client::builder().api_key("k").build().unwrap();
    let _ = client.members().create();
}
