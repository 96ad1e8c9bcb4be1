//! Facts the book keeps that OCF v1.2.0 has no field for (provenance, anti-dilution,
//! full participation, several relationships, memos) travel in an object's `comments`
//! as `roundbook: key=value`, so an export imports back to the same book. Other
//! comments are left alone.

use std::collections::BTreeMap;

use serde_json::Value;

pub const PREFIX: &str = "roundbook: ";

pub fn mark(key: &str, value: &str) -> Value {
    Value::String(format!("{PREFIX}{key}={value}"))
}

/// The `roundbook:` marks in an object's comments; the first of each key wins.
pub fn read(object: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let comments = object.get("comments").and_then(Value::as_array);
    for c in comments.into_iter().flatten().filter_map(Value::as_str) {
        if let Some((k, v)) = c.strip_prefix(PREFIX).and_then(|r| r.split_once('=')) {
            out.entry(k.trim().to_string())
                .or_insert_with(|| v.to_string());
        }
    }
    out
}

/// The comments that are not marks, for a memo or a note.
pub fn plain_comments(object: &Value) -> Vec<String> {
    object
        .get("comments")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter(|c| !c.starts_with(PREFIX))
        .map(str::to_string)
        .collect()
}
