//! Positions: the compiler's byte offsets against the protocol's lines and UTF-16 columns.
//!
//! The Language Server Protocol counts a position's character in UTF-16 code units by default;
//! the compiler counts bytes of UTF-8. A [`LineIndex`] holds where each line starts and where its
//! text ends, and converts both ways.
//!
//! **Lines.** The protocol ends a line at `\n`, `\r\n` or a lone `\r` (LSP 3.17, "Text
//! Documents"), so this index does too, and a line's length leaves its terminator out. A
//! position past the end of its line therefore maps to the end of the line's text, before a
//! `\r\n`, never between its `\r` and `\n`; and an offset inside a terminator (a span of the
//! compiler that runs to the end of a CRLF line includes the `\r`) maps to the end of that line.
//!
//! **Clamping.** A position past the end of its line maps to the line's end, and an offset
//! inside a multi-byte character maps to that character's start: the client's view and ours may
//! disagree for a moment while edits are in flight, and neither may panic.

use tower_lsp_server::ls_types::{Position, Range};

/// Where each line of a text starts and where its text ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offsets of the first byte of each line; the first is 0.
    starts: Vec<u32>,
    /// Byte offsets of the end of each line's text: its terminator (`\n`, `\r\n` or `\r`)
    /// starts there, or the text ends there.
    ends: Vec<u32>,
    len: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut ends = Vec::new();
        let mut at = 0;
        while at < bytes.len() {
            let terminator = match (bytes[at], bytes.get(at + 1)) {
                (b'\r', Some(b'\n')) => 2,
                (b'\n' | b'\r', _) => 1,
                _ => 0,
            };
            if terminator > 0 {
                ends.push(at as u32);
                starts.push((at + terminator) as u32);
                at += terminator;
            } else {
                at += 1;
            }
        }
        ends.push(text.len() as u32);
        LineIndex { starts, ends, len: text.len() as u32 }
    }

    /// The number of lines: one more than the number of line terminators (for the tests).
    #[cfg(test)]
    fn line_count(&self) -> u32 {
        self.starts.len() as u32
    }

    /// The protocol position of a byte offset of `text`.
    pub fn position(&self, text: &str, offset: u32) -> Position {
        let line = self.line(offset) as usize;
        let start = self.starts[line];
        // Inside the terminator: the end of the line's text.
        let offset = floor_boundary(text, offset.min(self.ends[line]).max(start));
        let character: usize = text
            .get(start as usize..offset as usize)
            .map(|s| s.chars().map(char::len_utf16).sum())
            .unwrap_or(0);
        Position { line: line as u32, character: character as u32 }
    }

    /// The byte offset of a protocol position in `text`.
    pub fn offset(&self, text: &str, position: Position) -> u32 {
        let Some(&start) = self.starts.get(position.line as usize) else { return self.len };
        let end = self.ends[position.line as usize];
        let line = text.get(start as usize..end as usize).unwrap_or_default();
        let mut units = 0;
        for (at, character) in line.char_indices() {
            if units >= position.character as usize {
                return start + at as u32;
            }
            units += character.len_utf16();
        }
        end
    }

    pub fn range(&self, text: &str, start: u32, end: u32) -> Range {
        Range { start: self.position(text, start), end: self.position(text, end) }
    }

    /// The line of a byte offset.
    pub fn line(&self, offset: u32) -> u32 {
        (self.starts.partition_point(|&start| start <= offset.min(self.len)) - 1) as u32
    }

    /// The byte offset where the text of `line` ends, before its terminator (the end of the
    /// text past the last line).
    pub fn line_end(&self, line: u32) -> u32 {
        self.ends.get(line as usize).copied().unwrap_or(self.len)
    }

    /// The byte offset where `line` starts (the end of the text past the last line).
    pub fn line_start(&self, line: u32) -> u32 {
        self.starts.get(line as usize).copied().unwrap_or(self.len)
    }
}

fn floor_boundary(text: &str, mut offset: u32) -> u32 {
    while offset > 0 && !text.is_char_boundary(offset as usize) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn ascii_round_trips() {
        let text = "sink done\nbuffer b { capacity = 5 }\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), pos(0, 0));
        assert_eq!(index.position(text, 10), pos(1, 0));
        assert_eq!(index.offset(text, pos(1, 7)), 17);
        assert_eq!(index.position(text, text.len() as u32), pos(2, 0));
        for offset in 0..=text.len() as u32 {
            assert_eq!(index.offset(text, index.position(text, offset)), offset);
        }
    }

    #[test]
    fn utf16_columns_count_code_units() {
        // `⌊` is 3 bytes and 1 UTF-16 unit; `𝜇` is 4 bytes and 2 units.
        let text = "// ⌊x⌋ 𝜇\nsink é\n";
        let index = LineIndex::new(text);
        let mu = text.find('𝜇').unwrap() as u32;
        assert_eq!(index.position(text, mu), pos(0, 7));
        assert_eq!(index.offset(text, pos(0, 7)), mu);
        assert_eq!(index.position(text, mu + 4), pos(0, 9));
        let e = text.find('é').unwrap() as u32;
        assert_eq!(index.position(text, e), pos(1, 5));
        assert_eq!(index.offset(text, pos(1, 6)), e + 2);
    }

    #[test]
    fn out_of_range_positions_are_clamped() {
        let text = "ab\ncd";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(text, pos(0, 99)), 2, "past the end of a line: its end");
        assert_eq!(index.offset(text, pos(9, 0)), 5, "past the last line: the end");
        assert_eq!(index.position(text, 99), pos(1, 2));
        // Inside a multi-byte character: its start.
        let text = "é";
        assert_eq!(LineIndex::new(text).position(text, 1), pos(0, 0));
        // A position inside a surrogate pair maps to the character after it.
        let text = "𝜇x";
        assert_eq!(LineIndex::new(text).offset(text, pos(0, 1)), 4);
    }

    #[test]
    fn crlf_lines_end_before_the_carriage_return() {
        let text = "sink a\r\nsink b\r\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 3);
        // Past the end of the line: before the `\r`, not between `\r` and `\n`.
        assert_eq!(index.offset(text, pos(0, 999)), 6);
        assert_eq!(index.offset(text, pos(0, 7)), 6);
        assert_eq!(index.offset(text, pos(1, 0)), 8);
        // Offsets inside the terminator are at the end of the line.
        assert_eq!(index.position(text, 6), pos(0, 6));
        assert_eq!(index.position(text, 7), pos(0, 6));
        assert_eq!(index.position(text, 8), pos(1, 0));
        assert_eq!(index.position(text, text.len() as u32), pos(2, 0));
        assert_eq!(index.line_end(0), 6);
        assert_eq!(index.line_start(1), 8);
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let text = "product P\rsink done\r\rflow";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        let done = text.find("done").unwrap() as u32;
        assert_eq!(index.position(text, done), pos(1, 5));
        assert_eq!(index.offset(text, pos(1, 5)), done);
        assert_eq!(index.offset(text, pos(1, 99)), done + 4);
        assert_eq!(index.position(text, text.find("flow").unwrap() as u32), pos(3, 0));
        assert_eq!(index.offset(text, pos(2, 3)), text.find("flow").unwrap() as u32 - 1);
        // Mixed endings: each terminator counts once.
        let text = "a\nb\r\nc\rd";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        for (line, name) in ["a", "b", "c", "d"].iter().enumerate() {
            let at = text.find(name).unwrap() as u32;
            assert_eq!(index.position(text, at), pos(line as u32, 0));
            assert_eq!(index.offset(text, pos(line as u32, 1)), at + 1);
        }
    }

    #[test]
    fn every_offset_round_trips_outside_terminators() {
        let text = "é\r\n𝜇x\ry\n\r\nz";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() as u32 {
            if !text.is_char_boundary(offset as usize) {
                continue;
            }
            let back = index.offset(text, index.position(text, offset));
            let at = offset as usize;
            let in_terminator =
                at > 0 && &text.as_bytes()[at - 1..(at + 1).min(text.len())] == b"\r\n";
            if in_terminator {
                assert_eq!(back, offset - 1, "between \\r and \\n: the line's end");
            } else {
                assert_eq!(back, offset, "{offset}");
            }
        }
    }
}
