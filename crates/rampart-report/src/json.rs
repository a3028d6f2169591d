//! The JSON report: the [`ScanReport`] itself, pretty-printed; and for an organization,
//! the [`OrgReport`](crate::OrgReport) written piece by piece, with the pretty-printed
//! JSON arrays that the other JSON formats stream too ([`JsonArray`]).

use crate::org::{AccountEntry, OrgHeader, OrgWriter};
use crate::report::ScanReport;
use serde::Serialize;
use std::io::{self, Write};

/// The report as pretty-printed JSON, ending with a newline. The format is described field
/// by field in `docs/json-report.md`; [`ScanReport`] deserializes it back.
pub fn render_json(report: &ScanReport) -> String {
    // Every map in the report has string keys and every value is plain data, so
    // serialization cannot fail.
    let mut json = serde_json::to_string_pretty(report).expect("a ScanReport serializes");
    json.push('\n');
    json
}

/// Write `value` pretty-printed, every line after the first indented by `indent`: what
/// `serde_json::to_string_pretty` writes for it nested that deep. JSON strings hold no raw
/// line break, so every line break is between tokens.
pub(crate) fn write_pretty(
    out: &mut dyn Write,
    value: &impl Serialize,
    indent: &str,
) -> io::Result<()> {
    let mut w = Indented { out, indent };
    serde_json::to_writer_pretty(&mut w, value).map_err(io::Error::from)
}

/// A writer that indents every line after the first.
struct Indented<'a> {
    out: &'a mut dyn Write,
    indent: &'a str,
}

impl Write for Indented<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut lines = buf.split(|&b| b == b'\n');
        if let Some(first) = lines.next() {
            self.out.write_all(first)?;
        }
        for line in lines {
            self.out.write_all(b"\n")?;
            self.out.write_all(self.indent.as_bytes())?;
            self.out.write_all(line)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// A JSON array written one element at a time, laid out as `serde_json::to_string_pretty`
/// lays out an array at the depth of `indent` (`[]` when empty).
pub(crate) struct JsonArray {
    indent: &'static str,
    items: usize,
}

impl JsonArray {
    /// Write the opening bracket.
    pub(crate) fn open(out: &mut dyn Write, indent: &'static str) -> io::Result<JsonArray> {
        out.write_all(b"[")?;
        Ok(JsonArray { indent, items: 0 })
    }

    /// Write one element.
    pub(crate) fn push(&mut self, out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
        let sep = if self.items == 0 { "\n" } else { ",\n" };
        let inner = format!("{}  ", self.indent);
        write!(out, "{sep}{inner}")?;
        write_pretty(out, value, &inner)?;
        self.items += 1;
        Ok(())
    }

    /// Write the closing bracket.
    pub(crate) fn close(self, out: &mut dyn Write) -> io::Result<()> {
        if self.items == 0 {
            out.write_all(b"]")
        } else {
            write!(out, "\n{}]", self.indent)
        }
    }
}

/// The organization JSON report: the header's fields, then `"reports"` with each account's
/// report as it comes. The bytes are those of `serde_json::to_string_pretty` of the
/// [`OrgReport`](crate::OrgReport), and a newline.
pub(crate) struct OrgJson {
    reports: OrgArray,
}

impl Default for OrgJson {
    fn default() -> OrgJson {
        OrgJson {
            reports: OrgArray::new(|report, array, out| array.push(out, report), "  "),
        }
    }
}

impl OrgWriter for OrgJson {
    fn start(&mut self, header: &OrgHeader, out: &mut dyn Write) -> io::Result<()> {
        let head = serde_json::to_string_pretty(header).map_err(io::Error::from)?;
        // `{ …fields… \n}`: the fields, then `reports` in place of the closing brace.
        let fields = head.strip_suffix("\n}").unwrap_or(&head);
        write!(out, "{fields},\n  \"reports\": ")?;
        self.reports.open(out)
    }

    fn scanned(
        &mut self,
        entry: &AccountEntry,
        report: &ScanReport,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        self.reports.scanned(entry, report, out)
    }

    fn finish(&mut self, _: &OrgHeader, out: &mut dyn Write) -> io::Result<()> {
        self.reports.close(out)?;
        out.write_all(b"\n}\n")
    }
}

/// How a format pushes one account's elements onto its array.
pub(crate) type PushFn = fn(&ScanReport, &mut JsonArray, &mut dyn Write) -> io::Result<()>;

/// An organization report that is one JSON array of every account's elements (ASFF
/// findings, OCSF events; the reports of the JSON report), in account order.
pub(crate) struct OrgArray {
    push: PushFn,
    indent: &'static str,
    array: Option<JsonArray>,
}

impl OrgArray {
    /// The array, at the depth of `indent`, whose elements `push` writes account by
    /// account.
    pub(crate) fn new(push: PushFn, indent: &'static str) -> OrgArray {
        OrgArray {
            push,
            indent,
            array: None,
        }
    }

    fn open(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.array = Some(JsonArray::open(out, self.indent)?);
        Ok(())
    }

    fn close(&mut self, out: &mut dyn Write) -> io::Result<()> {
        match self.array.take() {
            Some(array) => array.close(out),
            None => Ok(()),
        }
    }
}

impl OrgWriter for OrgArray {
    fn start(&mut self, _: &OrgHeader, out: &mut dyn Write) -> io::Result<()> {
        self.open(out)
    }

    fn scanned(
        &mut self,
        _: &AccountEntry,
        report: &ScanReport,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        match self.array.as_mut() {
            Some(array) => (self.push)(report, array, out),
            None => Ok(()),
        }
    }

    fn finish(&mut self, _: &OrgHeader, out: &mut dyn Write) -> io::Result<()> {
        self.close(out)?;
        out.write_all(b"\n")
    }
}
