//! The schema of one record type as the mock serves it: the system fields and
//! relationships of the spec's table (`lightfield_gen::tables`), plus the organisation's
//! own select options and custom fields from [`crate::seeds`].

use lightfield_gen::tables::ObjectSchema;
use serde_json::{Value, json};

/// One field, as the server knows it.
#[derive(Debug, Clone)]
pub struct FieldDef {
    pub key: &'static str,
    pub label: &'static str,
    pub value_type: &'static str,
    pub read_only: bool,
    pub create_only: bool,
    /// Only an update may set it (the API's create does not take it).
    pub update_only: bool,
    pub required: bool,
    pub multiple: bool,
    /// `(id, label)` of each option of a select field.
    pub options: Vec<(&'static str, &'static str)>,
    pub currency: Option<&'static str>,
    pub handle_service: Option<&'static str>,
    /// A dependent select: the field it depends on, and each option's parent option id.
    pub parent: Option<(&'static str, &'static [(&'static str, &'static str)])>,
}

impl FieldDef {
    /// A custom (or seeded) field with no flags.
    pub fn new(key: &'static str, label: &'static str, value_type: &'static str) -> Self {
        Self {
            key,
            label,
            value_type,
            read_only: false,
            create_only: false,
            update_only: false,
            required: false,
            multiple: value_type == "MULTI_SELECT",
            options: Vec::new(),
            currency: None,
            handle_service: None,
            parent: None,
        }
    }

    /// Makes a select depend on field `parent_key`: each `(option, parent option)` pair
    /// puts one of its options under an option of that field.
    /// A field an admin adds at run time. The schema holds `&'static str` (its seeds are
    /// literals), so the added field's names are leaked once: fine for a test double.
    pub fn added(key: &str, label: &str, value_type: &str) -> Self {
        let leak = |s: &str| -> &'static str { Box::leak(s.to_string().into_boxed_str()) };
        Self::new(leak(key), leak(label), leak(value_type))
    }

    pub fn depends_on(
        mut self,
        parent_key: &'static str,
        parents: &'static [(&'static str, &'static str)],
    ) -> Self {
        self.parent = Some((parent_key, parents));
        self
    }

    /// Adds select options.
    pub fn options(mut self, options: &[(&'static str, &'static str)]) -> Self {
        self.options = options.to_vec();
        self
    }
}

/// One relationship, as the server knows it.
#[derive(Debug, Clone)]
pub struct RelDef {
    pub key: &'static str,
    pub label: &'static str,
    pub cardinality: &'static str,
    pub object_type: &'static str,
    pub read_only: bool,
    pub create_only: bool,
    pub required: bool,
    /// Which of add, remove and replace an update may use.
    /// add, remove, replace with ids, replace with `null`.
    pub update_ops: [bool; 4],
}

impl RelDef {
    /// A custom relationship with every operation allowed.
    pub fn new(
        key: &'static str,
        label: &'static str,
        cardinality: &'static str,
        object_type: &'static str,
    ) -> Self {
        Self {
            key,
            label,
            cardinality,
            object_type,
            read_only: false,
            create_only: false,
            required: false,
            update_ops: [true; 4],
        }
    }
}

/// The top-level keys a type's records carry, as the API's answers have them (each type's
/// retrieve answer in the reference): most carry `externalId` and `updatedAt`; meetings,
/// emails and messages also `objectType` and `accessLevel`; channels `objectType` only;
/// members no `externalId`; lists neither `externalId` nor `updatedAt`. A key the API does
/// not send is one a client could come to rely on, so the mock sends none.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RecordKeys {
    pub external_id: bool,
    pub updated_at: bool,
    pub object_type: bool,
    pub access_level: bool,
}

impl RecordKeys {
    /// Accounts, contacts, custom objects and the other writable types.
    pub const PLAIN: Self = Self {
        external_id: true,
        updated_at: true,
        object_type: false,
        access_level: false,
    };

    fn of(object_type: &str) -> Self {
        match object_type {
            "meeting" | "email" | "message" => Self {
                object_type: true,
                access_level: true,
                ..Self::PLAIN
            },
            "channel" => Self {
                object_type: true,
                ..Self::PLAIN
            },
            "member" => Self {
                external_id: false,
                ..Self::PLAIN
            },
            "list" => Self {
                external_id: false,
                updated_at: false,
                ..Self::PLAIN
            },
            _ => Self::PLAIN,
        }
    }
}

/// Everything the mock knows about one record type.
#[derive(Debug, Clone)]
pub struct Schema {
    /// `account`, or a custom object's slug.
    pub object_type: String,
    /// The path segment of the collection (`accounts`; `objects/vendor` for custom ones).
    pub collection: String,
    pub id_prefix: String,
    pub fields: Vec<FieldDef>,
    pub rels: Vec<RelDef>,
    /// Deleting a trashed record again is a 404 (meetings) rather than a no-op.
    pub delete_twice_not_found: bool,
    /// Which keys beside `id`, `createdAt`, `httpLink` and `fields` its records carry.
    pub keys: RecordKeys,
    /// Records are served without relationships (lists: members have their own endpoints).
    pub hides_relationships: bool,
    /// An update may apply only one operation to each relationship key (notes).
    pub one_operation_per_key: bool,
}

impl Schema {
    /// The schema of a built-in type: its table row plus `extra_fields` and `options`
    /// (options by field key) of this organisation.
    pub fn builtin(
        table: &ObjectSchema,
        options: &[(&'static str, &[(&'static str, &'static str)])],
        extra_fields: Vec<FieldDef>,
        extra_rels: Vec<RelDef>,
    ) -> Self {
        let mut fields: Vec<FieldDef> = table
            .fields
            .iter()
            .map(|f| {
                let fixed = f.options.iter().map(|o| (*o, *o)).collect();
                let seeded = options
                    .iter()
                    .find(|(key, _)| *key == f.key)
                    .map(|(_, o)| o.to_vec());
                FieldDef {
                    key: f.key,
                    label: f.label,
                    value_type: f.value_type,
                    read_only: f.read_only,
                    create_only: f.create_only,
                    update_only: f.update_only,
                    required: f.required,
                    multiple: f.multiple,
                    options: seeded.unwrap_or(fixed),
                    currency: None,
                    handle_service: (f.value_type == "SOCIAL_HANDLE")
                        .then(|| f.key.trim_start_matches('$')),
                    parent: None,
                }
            })
            .collect();
        fields.extend(extra_fields);
        let mut rels: Vec<RelDef> = table
            .relationships
            .iter()
            .map(|r| RelDef {
                key: r.key,
                label: r.label,
                cardinality: r.cardinality,
                object_type: r.object_type,
                read_only: r.read_only,
                create_only: r.create_only,
                required: r.required,
                update_ops: [
                    r.update_ops.add,
                    r.update_ops.remove,
                    r.update_ops.replace,
                    r.update_ops.clear,
                ],
            })
            .collect();
        rels.extend(extra_rels);
        Self {
            object_type: table.object_type.to_string(),
            collection: table.collection.to_string(),
            id_prefix: table.id_prefix.to_string(),
            fields,
            rels,
            delete_twice_not_found: table.delete_twice_not_found,
            keys: RecordKeys::of(table.object_type),
            hides_relationships: table.hidden_relationships,
            one_operation_per_key: table.one_operation_per_key,
        }
    }

    /// The schema of a custom object type.
    pub fn custom(slug: &str, fields: Vec<FieldDef>, rels: Vec<RelDef>) -> Self {
        Self {
            object_type: slug.to_string(),
            collection: format!("objects/{slug}"),
            id_prefix: "obj_".to_string(),
            fields,
            rels,
            delete_twice_not_found: false,
            keys: RecordKeys::PLAIN,
            hides_relationships: false,
            one_operation_per_key: false,
        }
    }

    pub fn field(&self, key: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.key == key)
    }

    pub fn rel(&self, key: &str) -> Option<&RelDef> {
        self.rels.iter().find(|r| r.key == key)
    }

    /// How messages name these records (`accounts`, `` `vendor` records ``).
    pub fn plural(&self) -> String {
        match self.collection.strip_prefix("objects/") {
            Some(slug) => format!("`{slug}` records"),
            None => self.collection.clone(),
        }
    }

    /// The body of the definitions endpoint.
    pub fn definitions_json(&self) -> Value {
        let mut field_map = serde_json::Map::new();
        for (i, f) in self.fields.iter().enumerate() {
            let mut config = serde_json::Map::new();
            if let Some(c) = f.currency {
                config.insert("currency".into(), json!(c));
            }
            if let Some(s) = f.handle_service {
                config.insert("handleService".into(), json!(s.to_ascii_uppercase()));
            }
            if f.multiple {
                config.insert("multipleValues".into(), json!(true));
            }
            if !f.options.is_empty() {
                let options: Vec<Value> = f
                    .options
                    .iter()
                    .map(|(id, label)| {
                        let mut option = json!({"id": id, "label": label, "description": null});
                        let parent = f.parent.and_then(|(_, parents)| {
                            parents.iter().find(|(o, _)| o == id).map(|(_, p)| *p)
                        });
                        if let Some(parent) = parent {
                            option["parentId"] = json!(parent);
                        }
                        option
                    })
                    .collect();
                config.insert("options".into(), Value::Array(options));
            }
            if let Some((parent_key, _)) = f.parent {
                config.insert("parentFieldKey".into(), json!(parent_key));
            }
            field_map.insert(
                f.key.to_string(),
                json!({
                    "id": format!("fld_{}_{i:03}", self.object_type),
                    "label": f.label,
                    "description": null,
                    "valueType": f.value_type,
                    "readOnly": f.read_only,
                    "typeConfiguration": config,
                }),
            );
        }
        let mut rel_map = serde_json::Map::new();
        for (i, r) in self.rels.iter().enumerate() {
            rel_map.insert(r.key.to_string(), {
                let mut def = json!({
                    "id": format!("rel_{}_{i:03}", self.object_type),
                    "label": r.label,
                    "description": null,
                    "cardinality": r.cardinality,
                    "objectType": r.object_type,
                });
                if let Some(directions) = super::links::definition_directions(self, r) {
                    def["directions"] = directions;
                }
                def
            });
        }
        json!({
            "objectType": self.object_type,
            "fieldDefinitions": field_map,
            "relationshipDefinitions": rel_map,
        })
    }
}
