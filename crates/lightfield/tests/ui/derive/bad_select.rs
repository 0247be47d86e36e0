use lightfield::Select;

#[derive(Select)]
enum Tier {
    Gold,
    Custom { label: String },
}

fn main() {}
