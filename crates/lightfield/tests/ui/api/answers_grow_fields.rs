// What the server answers may gain fields in a minor version: such structs cannot be built
// or taken apart whole outside the crate, so a field added later breaks no one.
fn main() {
    let _ = lightfield::Page::<lightfield::Record> {
        items: Vec::new(),
        total_count: 0,
        offset: 0,
        limit: 25,
    };
    let _ = lightfield::FileInfo {
        id: String::new(),
        filename: String::new(),
        mime_type: String::new(),
        size_bytes: 0,
        status: lightfield::FileStatus::Completed,
        created_at: String::new(),
        completed_at: None,
        expires_at: None,
    };
}

pub fn whole(field: lightfield::Field) {
    let lightfield::Field { value, value_type, extra } = field;
    let _ = (value, value_type, extra);
}
