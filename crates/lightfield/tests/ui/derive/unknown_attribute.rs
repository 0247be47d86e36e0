use lightfield::Record;

#[derive(Record)]
#[lightfield(object = "account")]
struct Customer {
    #[lightfield(colour = "red")]
    name: String,
}

fn main() {}
