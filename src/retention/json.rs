//! A JSON tree that keeps key order and refuses duplicate keys.
//!
//! Owns: [`Json`], parsed with `serde_json` (line and column in syntax
//! errors, its recursion limit) through a visitor that rejects an object
//! naming a key twice: in a hand-edited policy the second value would
//! otherwise silently win.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// A parsed JSON value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    pub(crate) fn parse(text: &str) -> Result<Json, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    /// What kind of value this is, for error messages.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Json, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json, E> {
        serde_json::Number::from_f64(v)
            .map(Json::Number)
            .ok_or_else(|| E::custom("a number that is not finite"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element()? {
            out.push(v);
        }
        Ok(Json::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut out: Vec<(String, Json)> = Vec::new();
        // Large objects (only in hostile input) check through a set.
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let twice = if out.len() < 16 {
                out.iter().any(|(k, _)| *k == key)
            } else {
                if seen.is_empty() {
                    seen.extend(out.iter().map(|(k, _)| k.clone()));
                }
                !seen.insert(key.clone())
            };
            if twice {
                return Err(de::Error::custom(format!("the key {key:?} appears twice")));
            }
            let value = map.next_value()?;
            out.push((key, value));
        }
        Ok(Json::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_in_order_and_refuses_duplicates() {
        let j = Json::parse(r#"{"b": [1, -2, 2.5, true, null], "a": "x"}"#).unwrap();
        let Json::Object(fields) = j else {
            panic!("not an object")
        };
        assert_eq!(fields[0].0, "b");
        assert_eq!(fields[1], ("a".to_owned(), Json::String("x".into())));
        let e = Json::parse("{\"a\": 1,\n \"a\": 2}").unwrap_err();
        assert!(e.contains("appears twice") && e.contains("line 2"), "{e}");
        assert!(Json::parse("{\"a\": }").unwrap_err().contains("line 1"));
        assert!(Json::parse(&"[".repeat(1000)).is_err());
    }
}
