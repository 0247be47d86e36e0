use lightfield::Record;

#[derive(Record)]
#[lightfield(object = "account")]
struct Customer {
    #[lightfield(key = "$name")]
    name: String,
    renewal: std::time::Duration,
}

fn main() {}
