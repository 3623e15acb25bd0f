//! Positions: the compiler's byte offsets against the protocol's lines and UTF-16 columns.
//!
//! The Language Server Protocol counts a position's character in UTF-16 code units by default;
//! the compiler counts bytes of UTF-8. A [`LineIndex`] holds where each line starts and converts
//! both ways. A position past the end of its line maps to the line's end, and an offset inside a
//! multi-byte character maps to that character's start: the client's view and ours may disagree
//! for a moment while edits are in flight, and neither may panic.

use tower_lsp_server::ls_types::{Position, Range};

/// The start offset of every line of a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offsets of the first byte of each line; the first is 0.
    starts: Vec<u32>,
    len: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(at, _)| at as u32 + 1));
        LineIndex { starts, len: text.len() as u32 }
    }

    /// The protocol position of a byte offset of `text`.
    pub fn position(&self, text: &str, offset: u32) -> Position {
        let offset = floor_boundary(text, offset.min(self.len));
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let start = self.starts[line] as usize;
        let character: usize = text
            .get(start..offset as usize)
            .map(|s| s.chars().map(char::len_utf16).sum())
            .unwrap_or(0);
        Position { line: line as u32, character: character as u32 }
    }

    /// The byte offset of a protocol position in `text`.
    pub fn offset(&self, text: &str, position: Position) -> u32 {
        let Some(&start) = self.starts.get(position.line as usize) else { return self.len };
        let end =
            self.starts.get(position.line as usize + 1).map(|&next| next - 1).unwrap_or(self.len);
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
}
