//! The account schema the mock serves: the system fields of a real Lightfield
//! organisation plus a handful of custom fields covering the other value types.

use serde_json::{Value, json};

/// One writable or read-only field, as the server knows it.
#[derive(Debug, Clone)]
pub struct FieldDef {
    pub key: &'static str,
    pub value_type: &'static str,
    pub read_only: bool,
    pub multiple: bool,
    pub options: Vec<(&'static str, &'static str)>,
    pub currency: Option<&'static str>,
    pub handle_service: Option<&'static str>,
    pub label: &'static str,
}

/// One relationship the account object has.
#[derive(Debug, Clone)]
pub struct RelDef {
    pub key: &'static str,
    pub label: &'static str,
    pub cardinality: &'static str,
    pub object_type: &'static str,
    pub read_only: bool,
}

fn field(key: &'static str, label: &'static str, value_type: &'static str) -> FieldDef {
    FieldDef {
        key,
        value_type,
        read_only: false,
        multiple: false,
        options: Vec::new(),
        currency: None,
        handle_service: None,
        label,
    }
}

fn handle(key: &'static str, label: &'static str, service: &'static str) -> FieldDef {
    FieldDef {
        handle_service: Some(service),
        ..field(key, label, "SOCIAL_HANDLE")
    }
}

fn select(
    key: &'static str,
    label: &'static str,
    value_type: &'static str,
    options: &[(&'static str, &'static str)],
) -> FieldDef {
    FieldDef {
        options: options.to_vec(),
        multiple: value_type == "MULTI_SELECT",
        ..field(key, label, value_type)
    }
}

/// The fields of the account object, in the order the definitions endpoint lists them.
pub fn account_fields() -> Vec<FieldDef> {
    vec![
        field("$name", "Name", "TEXT"),
        FieldDef {
            multiple: true,
            ..field("$website", "Website", "URL")
        },
        select(
            "$industry",
            "Industry",
            "MULTI_SELECT",
            &[
                ("opt_ind_software", "Software"),
                ("opt_ind_fintech", "Financial Services"),
                ("opt_ind_health", "Healthcare"),
                ("opt_ind_retail", "Retail"),
            ],
        ),
        select(
            "$headcount",
            "Headcount",
            "SINGLE_SELECT",
            &[
                ("opt_hc_1", "1-10"),
                ("opt_hc_2", "11-50"),
                ("opt_hc_3", "51-200"),
                ("opt_hc_4", "201-1000"),
                ("opt_hc_5", "1000+"),
            ],
        ),
        select(
            "$lastFundingType",
            "Last funding type",
            "SINGLE_SELECT",
            &[
                ("opt_fund_seed", "Seed"),
                ("opt_fund_a", "Series A"),
                ("opt_fund_b", "Series B"),
                ("opt_fund_ipo", "IPO"),
            ],
        ),
        field("$primaryAddress", "Primary address", "ADDRESS"),
        handle("$linkedIn", "LinkedIn", "LINKEDIN"),
        handle("$twitter", "Twitter", "TWITTER"),
        handle("$facebook", "Facebook", "FACEBOOK"),
        handle("$instagram", "Instagram", "INSTAGRAM"),
        FieldDef {
            read_only: true,
            ..field("$howTheyMakeMoney", "How they make money", "MARKDOWN")
        },
        FieldDef {
            read_only: true,
            ..select(
                "$accountStatus",
                "Account status",
                "SINGLE_SELECT",
                &[("opt_st_active", "Active"), ("opt_st_churned", "Churned")],
            )
        },
        select(
            "tier",
            "Tier",
            "SINGLE_SELECT",
            &[
                ("opt_tier_gold", "Gold"),
                ("opt_tier_silver", "Silver"),
                ("opt_tier_bronze", "Bronze"),
            ],
        ),
        FieldDef {
            currency: Some("USD"),
            ..field("arr", "Annual recurring revenue", "CURRENCY")
        },
        field("renewalDate", "Renewal date", "DATETIME"),
        field("isStrategic", "Strategic", "CHECKBOX"),
        field("seats", "Seats", "NUMBER"),
        field("billingEmail", "Billing email", "EMAIL"),
        field("phone", "Phone", "TELEPHONE"),
        field("champion", "Champion", "FULL_NAME"),
        field("notes", "Notes", "MARKDOWN"),
    ]
}

/// The relationships of the account object.
pub fn account_relationships() -> Vec<RelDef> {
    let rel = |key, label, cardinality, object_type, read_only| RelDef {
        key,
        label,
        cardinality,
        object_type,
        read_only,
    };
    vec![
        rel("$owner", "Owner", "HAS_ONE", "member", false),
        rel("$contact", "Contacts", "HAS_MANY", "contact", false),
        rel(
            "$opportunity",
            "Opportunities",
            "HAS_MANY",
            "opportunity",
            true,
        ),
        rel("$task", "Tasks", "HAS_MANY", "task", true),
        rel("$note", "Notes", "HAS_MANY", "note", true),
        rel("$meeting", "Meetings", "HAS_MANY", "meeting", true),
    ]
}

/// The body of `GET /v1/accounts/definitions`.
pub fn definitions_json(fields: &[FieldDef], rels: &[RelDef]) -> Value {
    let mut field_map = serde_json::Map::new();
    for (i, f) in fields.iter().enumerate() {
        let mut config = serde_json::Map::new();
        if let Some(c) = f.currency {
            config.insert("currency".into(), json!(c));
        }
        if let Some(s) = f.handle_service {
            config.insert("handleService".into(), json!(s));
        }
        if f.multiple {
            config.insert("multipleValues".into(), json!(true));
        }
        if !f.options.is_empty() {
            let options: Vec<Value> = f
                .options
                .iter()
                .map(|(id, label)| json!({"id": id, "label": label, "description": null}))
                .collect();
            config.insert("options".into(), Value::Array(options));
        }
        field_map.insert(
            f.key.to_string(),
            json!({
                "id": format!("fld_{i:03}"),
                "label": f.label,
                "description": null,
                "valueType": f.value_type,
                "readOnly": f.read_only,
                "typeConfiguration": config,
            }),
        );
    }
    let mut rel_map = serde_json::Map::new();
    for (i, r) in rels.iter().enumerate() {
        rel_map.insert(
            r.key.to_string(),
            json!({
                "id": format!("rel_{i:03}"),
                "label": r.label,
                "description": null,
                "cardinality": r.cardinality,
                "objectType": r.object_type,
                "readOnly": r.read_only,
            }),
        );
    }
    json!({
        "objectType": "account",
        "fieldDefinitions": field_map,
        "relationshipDefinitions": rel_map,
    })
}
