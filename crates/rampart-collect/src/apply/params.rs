//! The strict reader of a call's params: every member the mapping reads is named, a missing
//! required member or a value of the wrong type is an error naming it, and so is any member
//! the mapping does not read, so that a fixer's typo never silently drops a member.

use super::WriteError;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The result of reading a member.
pub(super) type Read<T> = Result<T, WriteError>;

/// One JSON object of a call's params (the input, or a structure inside it), and the
/// members read from it so far.
pub(super) struct Params<'a> {
    /// `service:Operation`, for messages.
    api: &'a str,
    /// Where this object is in the input (`IpPermissions[0].`), empty at the top.
    at: String,
    map: &'a Map<String, Value>,
    read: Vec<&'static str>,
}

impl<'a> Params<'a> {
    /// The input of `api`, which must be a JSON object.
    pub(super) fn root(api: &'a str, params: &'a Value) -> Read<Self> {
        match params {
            Value::Object(map) => Ok(Params {
                api,
                at: String::new(),
                map,
                read: Vec::new(),
            }),
            other => Err(WriteError::invalid(format!(
                "{api}: the params must be a JSON object, not {}",
                kind(other)
            ))),
        }
    }

    /// The error for member `name`.
    fn error(&self, name: &str, what: &str) -> WriteError {
        WriteError::invalid(format!("{}: member {}{name} {what}", self.api, self.at))
    }

    /// The value of member `name`, when present and not null, noting it as read.
    fn take(&mut self, name: &'static str) -> Option<&'a Value> {
        self.read.push(name);
        self.map.get(name).filter(|v| !v.is_null())
    }

    /// The value of required member `name`.
    fn required(&mut self, name: &'static str) -> Read<&'a Value> {
        self.take(name)
            .ok_or_else(|| self.error(name, "is missing (it is required)"))
    }

    /// `value` as `T`, or a wrong-type error naming `name` and the type wanted.
    fn typed<T>(
        &self,
        name: &str,
        want: &str,
        value: &'a Value,
        get: fn(&'a Value) -> Option<T>,
    ) -> Read<T> {
        get(value).ok_or_else(|| {
            let got = if value.get("$response").is_some() {
                "an unresolved response reference".to_owned()
            } else {
                kind(value).to_owned()
            };
            self.error(name, &format!("must be {want}, not {got}"))
        })
    }

    fn optional<T>(
        &mut self,
        name: &'static str,
        want: &str,
        get: fn(&'a Value) -> Option<T>,
    ) -> Read<Option<T>> {
        match self.take(name) {
            None => Ok(None),
            Some(v) => self.typed(name, want, v, get).map(Some),
        }
    }

    /// Required string member.
    pub(super) fn str(&mut self, name: &'static str) -> Read<String> {
        let v = self.required(name)?;
        self.typed(name, "a string", v, as_string)
    }

    /// Optional string member.
    pub(super) fn opt_str(&mut self, name: &'static str) -> Read<Option<String>> {
        self.optional(name, "a string", as_string)
    }

    /// Required boolean member.
    pub(super) fn bool(&mut self, name: &'static str) -> Read<bool> {
        let v = self.required(name)?;
        self.typed(name, "a boolean", v, Value::as_bool)
    }

    /// Optional boolean member.
    pub(super) fn opt_bool(&mut self, name: &'static str) -> Read<Option<bool>> {
        self.optional(name, "a boolean", Value::as_bool)
    }

    /// Required integer member (a 32-bit integer, as the API's `Integer`).
    pub(super) fn i32(&mut self, name: &'static str) -> Read<i32> {
        let v = self.required(name)?;
        self.typed(name, "a 32-bit integer", v, as_i32)
    }

    /// Optional integer member.
    pub(super) fn opt_i32(&mut self, name: &'static str) -> Read<Option<i32>> {
        self.optional(name, "a 32-bit integer", as_i32)
    }

    /// Required number member (the API's `Double`).
    pub(super) fn f64(&mut self, name: &'static str) -> Read<f64> {
        let v = self.required(name)?;
        self.typed(name, "a number", v, Value::as_f64)
    }

    /// Optional number member.
    pub(super) fn opt_f64(&mut self, name: &'static str) -> Read<Option<f64>> {
        self.optional(name, "a number", Value::as_f64)
    }

    /// Required list of strings.
    pub(super) fn strs(&mut self, name: &'static str) -> Read<Vec<String>> {
        let v = self.required(name)?;
        self.typed(name, "a list of strings", v, as_strings)
    }

    /// Optional list of strings.
    pub(super) fn opt_strs(&mut self, name: &'static str) -> Read<Option<Vec<String>>> {
        self.optional(name, "a list of strings", as_strings)
    }

    /// Optional map of strings to strings (tags, attributes).
    pub(super) fn opt_map(&mut self, name: &'static str) -> Read<Option<HashMap<String, String>>> {
        self.optional(name, "an object of strings", as_string_map)
    }

    /// Required structure member, read by `read`; its own members are checked the same way.
    pub(super) fn object<T>(
        &mut self,
        name: &'static str,
        read: impl FnOnce(&mut Params<'a>) -> Read<T>,
    ) -> Read<T> {
        let v = self.required(name)?;
        self.nested(name.to_owned(), v, read)
    }

    /// Optional structure member.
    pub(super) fn opt_object<T>(
        &mut self,
        name: &'static str,
        read: impl FnOnce(&mut Params<'a>) -> Read<T>,
    ) -> Read<Option<T>> {
        match self.take(name) {
            None => Ok(None),
            Some(v) => self.nested(name.to_owned(), v, read).map(Some),
        }
    }

    /// Required list of structures, each read by `read`.
    pub(super) fn list<T>(
        &mut self,
        name: &'static str,
        read: impl FnMut(&mut Params<'a>) -> Read<T>,
    ) -> Read<Vec<T>> {
        let v = self.required(name)?;
        self.items(name, v, read)
    }

    /// Optional list of structures.
    pub(super) fn opt_list<T>(
        &mut self,
        name: &'static str,
        read: impl FnMut(&mut Params<'a>) -> Read<T>,
    ) -> Read<Option<Vec<T>>> {
        match self.take(name) {
            None => Ok(None),
            Some(v) => self.items(name, v, read).map(Some),
        }
    }

    fn items<T>(
        &self,
        name: &'static str,
        value: &'a Value,
        mut read: impl FnMut(&mut Params<'a>) -> Read<T>,
    ) -> Read<Vec<T>> {
        let list = self.typed(name, "a list", value, Value::as_array)?;
        list.iter()
            .enumerate()
            .map(|(i, item)| self.nested(format!("{name}[{i}]"), item, &mut read))
            .collect()
    }

    fn nested<T>(
        &self,
        path: String,
        value: &'a Value,
        read: impl FnOnce(&mut Params<'a>) -> Read<T>,
    ) -> Read<T> {
        let map = self.typed(&path, "an object", value, Value::as_object)?;
        let mut inner = Params {
            api: self.api,
            at: format!("{}{path}.", self.at),
            map,
            read: Vec::new(),
        };
        let out = read(&mut inner)?;
        inner.done()?;
        Ok(out)
    }

    /// Every member was read: any other is an error naming it.
    pub(super) fn done(&self) -> Read<()> {
        match self.map.keys().find(|k| !self.read.contains(&k.as_str())) {
            None => Ok(()),
            Some(unknown) => Err(self.error(
                unknown,
                "is not a member this call takes (check its spelling against the API reference)",
            )),
        }
    }
}

/// What kind of JSON value `v` is, for messages.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn as_string(v: &Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

fn as_i32(v: &Value) -> Option<i32> {
    v.as_i64().and_then(|n| i32::try_from(n).ok())
}

fn as_strings(v: &Value) -> Option<Vec<String>> {
    v.as_array()?.iter().map(as_string).collect()
}

fn as_string_map(v: &Value) -> Option<HashMap<String, String>> {
    v.as_object()?
        .iter()
        .map(|(k, v)| Some((k.clone(), as_string(v)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(params: &Value, f: impl FnOnce(&mut Params<'_>) -> Read<()>) -> Result<(), String> {
        let mut p =
            Params::root("ec2:AuthorizeSecurityGroupIngress", params).map_err(|e| e.message)?;
        f(&mut p).map_err(|e| e.message)?;
        p.done().map_err(|e| e.message)
    }

    fn permissions(p: &mut Params<'_>) -> Read<()> {
        p.str("GroupId")?;
        p.list("IpPermissions", |perm| {
            perm.str("IpProtocol")?;
            perm.opt_i32("FromPort")?;
            perm.opt_list("IpRanges", |r| {
                r.str("CidrIp")?;
                r.opt_str("Description")
            })?;
            Ok(())
        })?;
        Ok(())
    }

    // Issue 14: a fixer's typo never drops a member silently: a member the mapping does not
    // read is an error naming it, at any depth.
    #[test]
    fn an_unknown_member_is_named_with_its_path() {
        let ok = json!({"GroupId": "sg-1", "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]});
        assert_eq!(read(&ok, permissions), Ok(()));
        let top = json!({"GroupId": "sg-1", "IpPermissions": [], "GroupID": "sg-1"});
        let err = read(&top, permissions).unwrap_err();
        assert!(err.contains("member GroupID is not a member"), "{err}");
        let deep = json!({"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcp"},
            {"IpProtocol": "tcp", "IpRanges": [{"CidrIp": "0.0.0.0/0"},
                {"CidrIp": "10.0.0.0/8", "Descripton": "typo"}]}]});
        let err = read(&deep, permissions).unwrap_err();
        assert_eq!(
            err,
            "ec2:AuthorizeSecurityGroupIngress: member IpPermissions[1].IpRanges[1].Descripton \
             is not a member this call takes (check its spelling against the API reference)"
        );
    }

    #[test]
    fn a_missing_required_member_is_named() {
        let err = read(&json!({"IpPermissions": []}), permissions).unwrap_err();
        assert_eq!(
            err,
            "ec2:AuthorizeSecurityGroupIngress: member GroupId is missing (it is required)"
        );
        let err = read(
            &json!({"GroupId": "sg-1", "IpPermissions": [{"FromPort": 1}]}),
            permissions,
        )
        .unwrap_err();
        assert!(
            err.contains("member IpPermissions[0].IpProtocol is missing"),
            "{err}"
        );
        // null is no value.
        let err = read(&json!({"GroupId": null, "IpPermissions": []}), permissions).unwrap_err();
        assert!(err.contains("member GroupId is missing"), "{err}");
    }

    #[test]
    fn a_wrong_type_is_named_with_what_was_expected() {
        let err = read(&json!({"GroupId": 7, "IpPermissions": []}), permissions).unwrap_err();
        assert!(
            err.contains("member GroupId must be a string, not a number"),
            "{err}"
        );
        let err = read(
            &json!({"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": "22"}]}),
            permissions,
        )
        .unwrap_err();
        assert!(
            err.contains("member IpPermissions[0].FromPort must be a 32-bit integer, not a string"),
            "{err}"
        );
        let err = read(
            &json!({"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 4294967296u64}]}),
            permissions,
        )
        .unwrap_err();
        assert!(err.contains("FromPort must be a 32-bit integer"), "{err}");
        let err = read(
            &json!({"GroupId": "sg-1", "IpPermissions": {}}),
            permissions,
        )
        .unwrap_err();
        assert!(
            err.contains("member IpPermissions must be a list, not an object"),
            "{err}"
        );
        // A response reference the applier did not resolve is named as such.
        let unresolved = json!({"GroupId": {"$response": {"call": 0, "member": "GroupId"}},
            "IpPermissions": []});
        let err = read(&unresolved, permissions).unwrap_err();
        assert!(
            err.contains("member GroupId must be a string, not an unresolved response reference"),
            "{err}"
        );
        let err = Params::root("ec2:X", &json!([])).err().unwrap();
        assert!(err.invalid_params && err.message.contains("must be a JSON object"));
    }

    #[test]
    fn maps_and_string_lists_are_typed() {
        let reader = |v: Value| {
            let mut p = Params::root("sns:CreateTopic", &v).map_err(|e| e.message)?;
            let tags = p.opt_map("Attributes").map_err(|e| e.message)?;
            let ids = p.opt_strs("Ids").map_err(|e| e.message)?;
            p.done().map_err(|e| e.message)?;
            Ok::<_, String>((tags, ids))
        };
        let (tags, ids) = reader(json!({"Attributes": {"a": "b"}, "Ids": ["x"]})).unwrap();
        assert_eq!(tags.unwrap()["a"], "b");
        assert_eq!(ids.unwrap(), vec!["x".to_owned()]);
        assert!(reader(json!({"Attributes": {"a": 1}}))
            .unwrap_err()
            .contains("Attributes must be an object of strings"));
        assert!(reader(json!({"Ids": ["x", 2]}))
            .unwrap_err()
            .contains("Ids must be a list of strings"));
        assert_eq!(reader(json!({})).unwrap(), (None, None));
    }
}
