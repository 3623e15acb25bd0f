//! fab's JSON writer: the documents `fab run` prints and writes (pretty, two spaces an indent) and
//! the model IR that [`crate::experiment::model_hash`] hashes (compact).
//!
//! It writes byte for byte what `serde_json::to_writer_pretty` and `serde_json::to_writer` write:
//! the same layout, the same escapes (a string that needs any is escaped by serde_json itself)
//! and the same numbers (formatted by serde_json's own formatter). What it does not do is go the
//! general way for what fab's documents are made of. serde_json writes every key of a struct as
//! it writes any string, one byte at a time through its escape table, and in pieces (the quote,
//! the text, the quote, the colon, each line's comma and indentation), each a call into the
//! formatter and a copy into the buffer. Here a struct's field name is copied whole, untested
//! (see `Writer::field_name`), any other string that needs no escape (every component name) is
//! copied whole once tested, and a line's comma, newline and indentation are one slice of a
//! constant, written at once.
//!
//! A results document is large: a 1,000-station line's is 4.7 MB and 263,000 lines, 36,000
//! statistics of three numbers each. Callgrind, release build, `fab run --json --horizon 1s` of
//! the generated 1,000-station line (the fixed costs around the engine), serde_json (with an
//! indenting formatter of ours) → this writer: writing the document 52.2M → 36.5M instructions,
//! hashing the model 12.0M → 6.2M; the whole process 191.2M → 169.7M (100 stations 20.9M →
//! 18.8M, 10 stations 4.0M → 3.8M).
//!
//! Tried and not kept: gathering the output in a buffer of our own, handed on 64 KiB at a time,
//! with each line break copied as a whole constant and cut to length (a copy of known length
//! instead of a call to memcpy). It cost more than it saved: 169.7M → 173.3M, the hash's
//! compact writing 6.2M → 10.1M. What is left is mostly the copies themselves (a key, a line
//! break, a number each) and the formatting of the numbers.

use serde::ser::{self, Impossible, Serialize};
use serde_json::ser::{CompactFormatter, Formatter};
use std::fmt::Display;
use std::io::{self, Write};

/// Writes `value` as JSON indented by two spaces, as `serde_json::to_writer_pretty` does.
pub fn to_writer_pretty<W: Write, T: Serialize + ?Sized>(out: W, value: &T) -> io::Result<()> {
    value.serialize(&mut Writer::<W, true> { out, depth: 0 }).map_err(|Error(e)| e)
}

/// Writes `value` as compact JSON, as `serde_json::to_writer` does.
pub fn to_writer<W: Write, T: Serialize + ?Sized>(out: W, value: &T) -> io::Result<()> {
    value.serialize(&mut Writer::<W, false> { out, depth: 0 }).map_err(|Error(e)| e)
}

/// What writing failed on: the writer's error, or a value JSON cannot hold (a map key that is not
/// a string, number or bool; a `Serialize` impl's own error).
#[derive(Debug)]
struct Error(io::Error);

impl Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: Display>(message: T) -> Error {
        Error(io::Error::other(message.to_string()))
    }
}

impl From<io::Error> for Error {
    fn from(error: io::Error) -> Error {
        Error(error)
    }
}

type Result<T = (), E = Error> = std::result::Result<T, E>;

/// The serializer: the output, and in a pretty document the depth of the array or object being
/// filled.
struct Writer<W, const PRETTY: bool> {
    out: W,
    depth: usize,
}

/// A comma, a newline and the indentation of 32 levels: a line break with or without its comma,
/// at any depth up to 32, is one slice of it.
const LINE_BREAK: [u8; 66] = {
    let mut bytes = [b' '; 66];
    bytes[0] = b',';
    bytes[1] = b'\n';
    bytes
};

/// Whether JSON writes `text` as it is between its quotes: no quote, backslash or control
/// character (serde_json escapes nothing else).
#[inline]
fn plain(text: &str) -> bool {
    text.bytes().all(|byte| byte >= 0x20 && byte != b'"' && byte != b'\\')
}

impl<W: Write, const PRETTY: bool> Writer<W, PRETTY> {
    /// Starts the next item of an array or object: the comma after the one before (unless
    /// `first`), then in a pretty document a new line at the current depth.
    #[inline]
    fn item(&mut self, first: bool) -> Result {
        let from = usize::from(first);
        if !PRETTY {
            return Ok(self.out.write_all(&LINE_BREAK[from..1])?);
        }
        let indent = 2 * self.depth;
        if 2 + indent <= LINE_BREAK.len() {
            return Ok(self.out.write_all(&LINE_BREAK[from..2 + indent])?);
        }
        self.out.write_all(&LINE_BREAK[from..2])?;
        let mut left = indent;
        while left > 0 {
            let n = left.min(LINE_BREAK.len() - 2);
            self.out.write_all(&LINE_BREAK[2..2 + n])?;
            left -= n;
        }
        Ok(())
    }

    /// Opens an array or object with `bracket`.
    #[inline]
    fn open(&mut self, bracket: &[u8]) -> Result<Compound<'_, W, PRETTY>> {
        self.depth += 1;
        self.out.write_all(bracket)?;
        Ok(Compound { writer: self, first: true })
    }

    /// Closes an array or object with `bracket`, on a line of its own when it holds anything.
    #[inline]
    fn close(&mut self, bracket: &[u8], empty: bool) -> Result {
        self.depth -= 1;
        if PRETTY && !empty {
            // A line break without its comma.
            self.item(true)?;
        }
        Ok(self.out.write_all(bracket)?)
    }

    #[inline]
    fn string(&mut self, text: &str) -> Result {
        if plain(text) {
            self.out.write_all(b"\"")?;
            self.out.write_all(text.as_bytes())?;
            Ok(self.out.write_all(b"\"")?)
        } else {
            Ok(serde_json::to_writer(&mut self.out, text).map_err(io::Error::from)?)
        }
    }

    /// Writes an object's key, `text`, with the colon after it.
    #[inline]
    fn key(&mut self, text: &str) -> Result {
        self.string(text)?;
        self.colon()
    }

    /// Writes a struct's field name, `name`, with the colon after it. A field name is a Rust
    /// identifier or what `#[serde(rename)]` made it, and fab's types rename none to anything
    /// JSON escapes (which debug builds check), so it is written as it is, untested. Tested byte
    /// by byte like any string, the field names cost what serde_json's escaping did: this
    /// writer then saved nothing (`fab run --json --horizon 1s`, 1,000 stations: 191.2M →
    /// 191.0M instructions; untested, 169.7M).
    #[inline]
    fn field_name(&mut self, name: &'static str) -> Result {
        debug_assert!(plain(name), "the field name {name:?} needs escaping");
        self.out.write_all(b"\"")?;
        self.out.write_all(name.as_bytes())?;
        self.out.write_all(if PRETTY { b"\": " } else { b"\":" })?;
        Ok(())
    }

    #[inline]
    fn colon(&mut self) -> Result {
        Ok(self.out.write_all(if PRETTY { b": " } else { b":" })?)
    }

    /// Opens the object `{"variant": …` of an enum's newtype, tuple or struct variant.
    fn open_variant(&mut self, variant: &str) -> Result {
        self.depth += 1;
        self.out.write_all(b"{")?;
        self.item(true)?;
        self.key(variant)
    }
}

/// Invokes `$methods!` with serde's ten integer methods, each with its type and the method of
/// serde_json's formatter that writes it: the value serializer and the key serializer write
/// integers differently, the same ten of them.
macro_rules! integers {
    ($methods:ident) => {
        $methods! {
            serialize_i8(i8) => write_i8,
            serialize_i16(i16) => write_i16,
            serialize_i32(i32) => write_i32,
            serialize_i64(i64) => write_i64,
            serialize_i128(i128) => write_i128,
            serialize_u8(u8) => write_u8,
            serialize_u16(u16) => write_u16,
            serialize_u32(u32) => write_u32,
            serialize_u64(u64) => write_u64,
            serialize_u128(u128) => write_u128,
        }
    };
}

/// Numbers are written by serde_json's formatter, so they are its digits.
macro_rules! numbers {
    ($($method:ident($ty:ty) => $write:ident),* $(,)?) => {
        $(
            #[inline]
            fn $method(self, value: $ty) -> Result {
                Ok(CompactFormatter.$write(&mut self.out, value)?)
            }
        )*
    };
}

impl<'a, W: Write, const PRETTY: bool> ser::Serializer for &'a mut Writer<W, PRETTY> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a, W, PRETTY>;
    type SerializeTuple = Compound<'a, W, PRETTY>;
    type SerializeTupleStruct = Compound<'a, W, PRETTY>;
    type SerializeTupleVariant = Compound<'a, W, PRETTY>;
    type SerializeMap = Compound<'a, W, PRETTY>;
    type SerializeStruct = Compound<'a, W, PRETTY>;
    type SerializeStructVariant = Compound<'a, W, PRETTY>;

    integers!(numbers);

    fn serialize_bool(self, value: bool) -> Result {
        Ok(self.out.write_all(if value { b"true" } else { b"false" })?)
    }

    /// Infinities and NaN, which JSON has no number for, are `null`, as serde_json writes them.
    #[inline]
    fn serialize_f32(self, value: f32) -> Result {
        if !value.is_finite() {
            return self.serialize_unit();
        }
        Ok(CompactFormatter.write_f32(&mut self.out, value)?)
    }

    #[inline]
    fn serialize_f64(self, value: f64) -> Result {
        if !value.is_finite() {
            return self.serialize_unit();
        }
        Ok(CompactFormatter.write_f64(&mut self.out, value)?)
    }

    fn serialize_char(self, value: char) -> Result {
        self.string(value.encode_utf8(&mut [0; 4]))
    }

    #[inline]
    fn serialize_str(self, value: &str) -> Result {
        self.string(value)
    }

    /// Bytes are an array of numbers.
    fn serialize_bytes(self, value: &[u8]) -> Result {
        let mut array = self.open(b"[")?;
        for byte in value {
            ser::SerializeSeq::serialize_element(&mut array, byte)?;
        }
        ser::SerializeSeq::end(array)
    }

    fn serialize_none(self) -> Result {
        self.serialize_unit()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result {
        Ok(self.out.write_all(b"null")?)
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result {
        self.serialize_unit()
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result {
        self.string(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result {
        value.serialize(self)
    }

    /// `{"variant": value}`.
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result {
        self.open_variant(variant)?;
        value.serialize(&mut *self)?;
        self.close(b"}", false)
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a, W, PRETTY>> {
        self.open(b"[")
    }

    fn serialize_tuple(self, len: usize) -> Result<Compound<'a, W, PRETTY>> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'a, W, PRETTY>> {
        self.serialize_seq(Some(len))
    }

    /// `{"variant": [values]}`.
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, W, PRETTY>> {
        self.open_variant(variant)?;
        self.open(b"[")
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a, W, PRETTY>> {
        self.open(b"{")
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'a, W, PRETTY>> {
        self.open(b"{")
    }

    /// `{"variant": {fields}}`.
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, W, PRETTY>> {
        self.open_variant(variant)?;
        self.open(b"{")
    }
}

/// An array or object being filled: `first` until it holds an item.
struct Compound<'a, W, const PRETTY: bool> {
    writer: &'a mut Writer<W, PRETTY>,
    first: bool,
}

impl<W: Write, const PRETTY: bool> Compound<'_, W, PRETTY> {
    #[inline]
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.writer.item(self.first)?;
        self.first = false;
        value.serialize(&mut *self.writer)
    }

    #[inline]
    fn field<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) -> Result {
        self.writer.item(self.first)?;
        self.first = false;
        self.writer.field_name(name)?;
        value.serialize(&mut *self.writer)
    }

    fn end_array(self) -> Result {
        self.writer.close(b"]", self.first)
    }

    fn end_object(self) -> Result {
        self.writer.close(b"}", self.first)
    }

    /// Closes a variant's array or object (`bracket`), then the object around it.
    fn end_variant(self, bracket: &[u8]) -> Result {
        self.writer.close(bracket, self.first)?;
        self.writer.close(b"}", false)
    }
}

/// serde's four traits for the items of an array differ only in their names: each item is an
/// element, and the end closes the array (a tuple variant's, the object around it too).
macro_rules! array_items {
    ($($trait:ident::$method:ident => $end:expr),* $(,)?) => {
        $(
            impl<W: Write, const PRETTY: bool> ser::$trait for Compound<'_, W, PRETTY> {
                type Ok = ();
                type Error = Error;
                fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
                    self.element(value)
                }
                fn end(self) -> Result {
                    $end(self)
                }
            }
        )*
    };
}

array_items! {
    SerializeSeq::serialize_element => Self::end_array,
    SerializeTuple::serialize_element => Self::end_array,
    SerializeTupleStruct::serialize_field => Self::end_array,
    SerializeTupleVariant::serialize_field => |array: Self| array.end_variant(b"]"),
}

impl<W: Write, const PRETTY: bool> ser::SerializeMap for Compound<'_, W, PRETTY> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result {
        self.writer.item(self.first)?;
        self.first = false;
        key.serialize(Key(&mut *self.writer))
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.writer.colon()?;
        value.serialize(&mut *self.writer)
    }
    fn end(self) -> Result {
        self.end_object()
    }
}

impl<W: Write, const PRETTY: bool> ser::SerializeStruct for Compound<'_, W, PRETTY> {
    type Ok = ();
    type Error = Error;
    #[inline]
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        self.field(key, value)
    }
    fn end(self) -> Result {
        self.end_object()
    }
}

impl<W: Write, const PRETTY: bool> ser::SerializeStructVariant for Compound<'_, W, PRETTY> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        self.field(key, value)
    }
    fn end(self) -> Result {
        self.end_variant(b"}")
    }
}

/// The serializer of a map's key. JSON's keys are strings: a string is written as it is, a number
/// or bool as its text in quotes, as serde_json writes them; anything else is an error.
struct Key<'a, W, const PRETTY: bool>(&'a mut Writer<W, PRETTY>);

impl<W: Write, const PRETTY: bool> Key<'_, W, PRETTY> {
    /// `write`'s text between quotes.
    fn quoted(self, write: impl FnOnce(&mut W) -> io::Result<()>) -> Result {
        self.0.out.write_all(b"\"")?;
        write(&mut self.0.out)?;
        Ok(self.0.out.write_all(b"\"")?)
    }
}

fn not_a_string() -> Error {
    ser::Error::custom("key must be a string")
}

/// A number key is its digits in quotes.
macro_rules! number_keys {
    ($($method:ident($ty:ty) => $write:ident),* $(,)?) => {
        $(
            fn $method(self, value: $ty) -> Result {
                self.quoted(|out| CompactFormatter.$write(out, value))
            }
        )*
    };
}

impl<W: Write, const PRETTY: bool> ser::Serializer for Key<'_, W, PRETTY> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    #[inline]
    fn serialize_str(self, value: &str) -> Result {
        self.0.string(value)
    }

    integers!(number_keys);

    fn serialize_bool(self, value: bool) -> Result {
        self.quoted(|out| out.write_all(if value { b"true" } else { b"false" }))
    }

    fn serialize_f32(self, value: f32) -> Result {
        if !value.is_finite() {
            return Err(ser::Error::custom("float key must be finite (got NaN or +/-inf)"));
        }
        self.quoted(|out| CompactFormatter.write_f32(out, value))
    }

    fn serialize_f64(self, value: f64) -> Result {
        if !value.is_finite() {
            return Err(ser::Error::custom("float key must be finite (got NaN or +/-inf)"));
        }
        self.quoted(|out| CompactFormatter.write_f64(out, value))
    }

    fn serialize_char(self, value: char) -> Result {
        self.0.string(value.encode_utf8(&mut [0; 4]))
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result {
        self.0.string(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result {
        value.serialize(self)
    }

    fn serialize_bytes(self, _value: &[u8]) -> Result {
        Err(not_a_string())
    }

    fn serialize_none(self) -> Result {
        Err(not_a_string())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result {
        Err(not_a_string())
    }

    fn serialize_unit(self) -> Result {
        Err(not_a_string())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result {
        Err(not_a_string())
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result {
        Err(not_a_string())
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Impossible<(), Error>> {
        Err(not_a_string())
    }

    fn serialize_tuple(self, _len: usize) -> Result<Impossible<(), Error>> {
        Err(not_a_string())
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Impossible<(), Error>> {
        Err(not_a_string())
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Impossible<(), Error>> {
        Err(not_a_string())
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Impossible<(), Error>> {
        Err(not_a_string())
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Impossible<(), Error>> {
        Err(not_a_string())
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Impossible<(), Error>> {
        Err(not_a_string())
    }
}

#[cfg(test)]
mod tests {
    use super::{to_writer, to_writer_pretty};
    use serde::Serialize;
    use serde_json::json;
    use std::collections::BTreeMap;

    /// Ours and serde_json's, pretty and compact, for `value`.
    fn same_as_serde_json(value: &(impl Serialize + ?Sized)) {
        let mut pretty = Vec::new();
        to_writer_pretty(&mut pretty, value).unwrap();
        assert_eq!(
            String::from_utf8(pretty).unwrap(),
            serde_json::to_string_pretty(value).unwrap()
        );
        let mut compact = Vec::new();
        to_writer(&mut compact, value).unwrap();
        assert_eq!(String::from_utf8(compact).unwrap(), serde_json::to_string(value).unwrap());
    }

    #[test]
    fn values_are_written_as_serde_json_writes_them() {
        let mut deep = json!([]);
        for level in 0..40 {
            deep = json!({ format!("level{level}"): [deep, level, {}] });
        }
        for value in [
            json!(null),
            json!([]),
            json!({}),
            json!([[], {}, [[]], {"a": {}}]),
            json!({"a": 1.5, "b": [1, 2, {"c": "x\"y"}], "d": {"e": [], "f": {}}}),
            json!(["", "tab\there", "new\nline", "\u{1}\u{1f}\u{7f}", "back\\slash/", "é ✓ 🦀"]),
            json!({"quote\"key": -3, "ctrl\u{8}\u{c}\r": u64::MAX, "": i64::MIN}),
            json!([0.0, -0.0, 1e300, 5e-324, 0.1, 123456789.125, 1e21, 1e-7]),
            deep,
        ] {
            same_as_serde_json(&value);
        }
    }

    #[derive(Serialize)]
    struct Unit;

    #[derive(Serialize)]
    struct Newtype(f64);

    #[derive(Serialize)]
    struct Tuple(u8, Option<i32>, Option<i32>);

    #[derive(Serialize)]
    enum External {
        Unit,
        Newtype(Vec<u8>),
        Tuple(i8, f32),
        EmptyTuple(),
        Struct { a: bool, b: [u16; 0] },
        EmptyStruct {},
    }

    #[derive(Serialize)]
    #[serde(tag = "kind", rename_all = "snake_case")]
    enum Internal {
        First { x: f64 },
        Second(Inner),
    }

    #[derive(Serialize)]
    #[serde(untagged)]
    enum Untagged {
        Number(f64),
        Text(String),
    }

    #[derive(Serialize)]
    struct Inner {
        #[serde(skip_serializing_if = "Option::is_none")]
        absent: Option<u8>,
        #[serde(rename = "renamed key ✓")]
        renamed: char,
        #[serde(with = "serde_bytes_as_seq")]
        bytes: Vec<u8>,
    }

    mod serde_bytes_as_seq {
        pub fn serialize<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(bytes)
        }
    }

    #[derive(Serialize)]
    struct Outer {
        #[serde(flatten)]
        inner: Inner,
        unit: Unit,
        newtype: Newtype,
        tuple: Tuple,
        pair: (i128, u128),
        externals: Vec<External>,
        internals: Vec<Internal>,
        untagged: Vec<Untagged>,
        not_finite: [f64; 3],
        not_finite_f32: [f32; 1],
        int_keys: BTreeMap<i32, &'static str>,
        bool_keys: BTreeMap<bool, ()>,
        char_keys: BTreeMap<char, f32>,
        variant_keys: BTreeMap<Name, External>,
        newtype_keys: BTreeMap<Id, u8>,
    }

    #[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
    enum Name {
        Alpha,
        Beta,
    }

    #[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
    struct Id(u32);

    #[test]
    fn every_kind_of_serde_value_is_written_as_serde_json_writes_it() {
        let inner = || Inner { absent: None, renamed: '"', bytes: vec![0, 7, 255] };
        let outer = Outer {
            inner: Inner { absent: Some(3), ..inner() },
            unit: Unit,
            newtype: Newtype(2.5),
            tuple: Tuple(1, None, Some(-1)),
            pair: (i128::MIN, u128::MAX),
            externals: vec![
                External::Unit,
                External::Newtype(vec![]),
                External::Newtype(vec![1, 2]),
                External::Tuple(-1, 0.1),
                External::EmptyTuple(),
                External::Struct { a: true, b: [] },
                External::EmptyStruct {},
            ],
            internals: vec![Internal::First { x: 1.0 }, Internal::Second(inner())],
            untagged: vec![Untagged::Number(3.0), Untagged::Text("t".into())],
            not_finite: [f64::NAN, f64::INFINITY, f64::NEG_INFINITY],
            not_finite_f32: [f32::NAN],
            int_keys: BTreeMap::from([(-1, "a"), (20, "b")]),
            bool_keys: BTreeMap::from([(false, ()), (true, ())]),
            char_keys: BTreeMap::from([('\n', 1.5), ('x', 0.25)]),
            variant_keys: BTreeMap::from([
                (Name::Alpha, External::Unit),
                (Name::Beta, External::Unit),
            ]),
            newtype_keys: BTreeMap::from([(Id(7), 1)]),
        };
        same_as_serde_json(&outer);
        same_as_serde_json(&External::Struct { a: false, b: [] });
        same_as_serde_json(&(1u8, "two", [3.0f64]));
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "needs escaping")]
    fn a_field_name_that_needs_escaping_is_refused_in_debug_builds() {
        #[derive(Serialize)]
        struct Quoted {
            #[serde(rename = "a\"b")]
            field: u8,
        }
        let _ = to_writer(Vec::new(), &Quoted { field: 1 });
    }

    #[test]
    fn a_key_json_cannot_hold_is_an_error_as_with_serde_json() {
        let map = BTreeMap::from([(vec![1], 2)]);
        assert!(to_writer(Vec::new(), &map).is_err());
        assert!(serde_json::to_string(&map).is_err());
        let map = BTreeMap::from([(Some(1), 2)]);
        assert!(to_writer_pretty(Vec::new(), &map).is_err());
    }
}
