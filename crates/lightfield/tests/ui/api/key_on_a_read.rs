// A retrieve sends no idempotency key, so it offers no setter for one.
fn main() {
    let client = lightfield::Client::builder().api_key("k").build().unwrap();
    let _ = client.files().retrieve("fil_1").idempotency_key("k-1");
    let _ = client.accounts().retrieve("acc_1").idempotency_key("k-2");
}
