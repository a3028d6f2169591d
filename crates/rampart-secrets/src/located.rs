//! Values that know their place in a YAML document. serde_yaml_ng gives a line and column
//! only to errors raised while a value is read; checks that need the whole file (a
//! detector's examples run through the engine) come later. So each [`Spot`] takes the
//! next ordinal as it is read, and a second read of the same text (see [`read`]) raises
//! the later check's message from inside that value: the parser then puts it at the
//! value's own line and column.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, Visitor};

thread_local! {
    /// The ordinal the next [`Spot`] read on this thread takes.
    static NEXT: Cell<usize> = const { Cell::new(0) };
    /// The ordinal of the value that must fail, and its message.
    static FAIL_AT: RefCell<Option<(usize, String)>> = const { RefCell::new(None) };
}

/// A scalar read from YAML with its ordinal: the how-manieth `Spot` of the document,
/// counted from 0 in reading order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Spot<T> {
    /// The value.
    pub(crate) value: T,
    /// Its place among the document's spots.
    pub(crate) ordinal: usize,
}

/// Read `f` (a deserialization) with ordinals counted from 0 and, when `fail` is given,
/// the spot of that ordinal failing with that message.
pub(crate) fn read<R>(fail: Option<(usize, String)>, f: impl FnOnce() -> R) -> R {
    NEXT.with(|n| n.set(0));
    FAIL_AT.with(|f| *f.borrow_mut() = fail);
    let out = f();
    FAIL_AT.with(|f| *f.borrow_mut() = None);
    out
}

/// A scalar a [`Spot`] can hold.
pub(crate) trait Scalar: Sized {
    /// What the value should be, for "invalid type" errors.
    const EXPECTING: &'static str;
    /// Whether YAML's typed scalars (numbers, booleans) are read as such; strings take
    /// any plain scalar as text.
    const TYPED: bool;
    /// From a string scalar.
    fn from_str(_: &str) -> Option<Self> {
        None
    }
    /// From a float scalar.
    fn from_f64(_: f64) -> Option<Self> {
        None
    }
    /// From a non-negative integer scalar.
    fn from_u64(_: u64) -> Option<Self> {
        None
    }
    /// From a negative integer scalar.
    fn from_i64(_: i64) -> Option<Self> {
        None
    }
    /// From a boolean scalar.
    fn from_bool(_: bool) -> Option<Self> {
        None
    }
}

impl Scalar for String {
    const EXPECTING: &'static str = "a string";
    const TYPED: bool = false;
    fn from_str(s: &str) -> Option<Self> {
        Some(s.to_owned())
    }
}

impl Scalar for f64 {
    const EXPECTING: &'static str = "a number";
    const TYPED: bool = true;
    fn from_f64(n: f64) -> Option<Self> {
        Some(n)
    }
    fn from_u64(n: u64) -> Option<Self> {
        Some(n as f64)
    }
    fn from_i64(n: i64) -> Option<Self> {
        Some(n as f64)
    }
}

impl Scalar for usize {
    const EXPECTING: &'static str = "a non-negative integer";
    const TYPED: bool = true;
    fn from_u64(n: u64) -> Option<Self> {
        usize::try_from(n).ok()
    }
}

impl Scalar for bool {
    const EXPECTING: &'static str = "true or false";
    const TYPED: bool = true;
    fn from_bool(b: bool) -> Option<Self> {
        Some(b)
    }
}

fn next_ordinal() -> usize {
    NEXT.with(|n| {
        let o = n.get();
        n.set(o + 1);
        o
    })
}

/// A [`Spot`] for a string a visitor of its own has just read (inside its `visit_str`, so
/// that a failure raised here is placed at that string).
pub(crate) fn claim<E: de::Error>(value: &str) -> Result<Spot<String>, E> {
    SpotVisitor::<String>(next_ordinal(), PhantomData)
        .spot(Some(value.to_owned()), de::Unexpected::Str(value))
}

impl<'de, T: Scalar> Deserialize<'de> for Spot<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let visitor = SpotVisitor::<T>(next_ordinal(), PhantomData);
        if T::TYPED {
            d.deserialize_any(visitor)
        } else {
            d.deserialize_str(visitor)
        }
    }
}

struct SpotVisitor<T>(usize, PhantomData<T>);

impl<T> SpotVisitor<T> {
    fn spot<E: de::Error>(&self, value: Option<T>, found: de::Unexpected) -> Result<Spot<T>, E>
    where
        T: Scalar,
    {
        let value = value.ok_or_else(|| E::invalid_type(found, &T::EXPECTING))?;
        let failure = FAIL_AT.with(|f| {
            f.borrow()
                .as_ref()
                .filter(|(at, _)| *at == self.0)
                .map(|(_, message)| message.clone())
        });
        match failure {
            Some(message) => Err(E::custom(message)),
            None => Ok(Spot {
                value,
                ordinal: self.0,
            }),
        }
    }
}

impl<'de, T: Scalar> Visitor<'de> for SpotVisitor<T> {
    type Value = Spot<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Spot<T>, E> {
        self.spot(T::from_str(v), de::Unexpected::Str(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Spot<T>, E> {
        self.spot(T::from_f64(v), de::Unexpected::Float(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Spot<T>, E> {
        self.spot(T::from_u64(v), de::Unexpected::Unsigned(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Spot<T>, E> {
        self.spot(T::from_i64(v), de::Unexpected::Signed(v))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Spot<T>, E> {
        self.spot(T::from_bool(v), de::Unexpected::Bool(v))
    }
}
