//! Values checked while they are deserialized, inside the deserializer's visitor, so that
//! the YAML and TOML parsers attach the offending value's own line and column to the error
//! (a check made after parsing could only point at the enclosing table or rule).

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// A value read from one scalar (a string, or a number or boolean where that makes sense)
/// and validated on the spot.
pub(crate) trait FromScalar: Sized {
    /// What the value should be, for "invalid type" errors: `a glob pattern`.
    const EXPECTING: &'static str;

    /// The value from a string scalar, or what is wrong with it.
    fn from_str(s: &str) -> Result<Self, String>;

    /// The value from an unsigned integer scalar; refused unless overridden.
    fn from_u64(n: u64) -> Result<Self, String> {
        Err(format!(
            "expected {}, found the number {n}",
            Self::EXPECTING
        ))
    }

    /// The value from a negative integer scalar; refused unless overridden.
    fn from_i64(n: i64) -> Result<Self, String> {
        Err(format!(
            "expected {}, found the number {n}",
            Self::EXPECTING
        ))
    }

    /// The value from a boolean scalar; refused unless overridden.
    fn from_bool(b: bool) -> Result<Self, String> {
        Err(format!(
            "expected {}, found the boolean {b}",
            Self::EXPECTING
        ))
    }
}

/// Whether `s` is a 12-digit AWS account id.
pub(crate) fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// An account id that YAML read as a number: its 12 digits, or why it cannot be one (YAML
/// drops the leading zeros of a number).
pub(crate) fn account_id_number(n: u64) -> Result<String, String> {
    let s = n.to_string();
    if s.len() == 12 {
        Ok(s)
    } else {
        Err(format!(
            "account id {n} is not 12 digits; quote account ids (\"012345678901\"), as \
             YAML drops the leading zeros of a number"
        ))
    }
}

/// Deserialize a [`FromScalar`] value through its visitor.
pub(crate) fn scalar<'de, T: FromScalar, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    d.deserialize_any(ScalarVisitor(PhantomData))
}

struct ScalarVisitor<T>(PhantomData<T>);

impl<'de, T: FromScalar> Visitor<'de> for ScalarVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        T::from_str(v).map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        T::from_u64(v).map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        match u64::try_from(v) {
            Ok(u) => T::from_u64(u),
            Err(_) => T::from_i64(v),
        }
        .map_err(E::custom)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        T::from_bool(v).map_err(E::custom)
    }
}

/// Deserialize a list of [`FromScalar`] values that must not be empty: an empty list is
/// ambiguous (nothing? anything?), so the user is asked to leave the key out instead.
pub(crate) fn non_empty_list<'de, T: FromScalar, D: Deserializer<'de>>(
    d: D,
) -> Result<Vec<T>, D::Error> {
    d.deserialize_seq(ListVisitor {
        allow_empty: false,
        element: PhantomData,
    })
}

/// Deserialize a list of [`FromScalar`] values, which may be empty.
pub(crate) fn list<'de, T: FromScalar, D: Deserializer<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    d.deserialize_seq(ListVisitor {
        allow_empty: true,
        element: PhantomData,
    })
}

/// [`non_empty_list`] for an optional key.
pub(crate) fn optional_non_empty_list<'de, T: FromScalar, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<T>>, D::Error> {
    non_empty_list(d).map(Some)
}

/// [`list`] for an optional key (an empty list is a choice: none of them).
pub(crate) fn optional_list<'de, T: FromScalar, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<T>>, D::Error> {
    list(d).map(Some)
}

/// One element of a list, read through [`FromScalar`].
struct Element<T>(T);

impl<'de, T: FromScalar> de::Deserialize<'de> for Element<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        scalar(d).map(Element)
    }
}

struct ListVisitor<T> {
    allow_empty: bool,
    element: PhantomData<T>,
}

impl<'de, T: FromScalar> Visitor<'de> for ListVisitor<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a list of {}", T::EXPECTING)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut out = Vec::new();
        while let Some(Element(v)) = seq.next_element::<Element<T>>()? {
            out.push(v);
        }
        if out.is_empty() && !self.allow_empty {
            return Err(de::Error::custom(
                "empty list: give at least one value, or leave the key out",
            ));
        }
        Ok(out)
    }
}
