use lightfield::Record;

#[derive(Record)]
struct Customer {
    name: String,
}

fn main() {}
