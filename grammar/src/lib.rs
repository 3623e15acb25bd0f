//! The syntax of `.fab`: a logos lexer, a LALRPOP grammar and the syntax tree they build.
//!
//! The one entry point is [`parse`]. It never fails: it returns a [`SourceFile`] tree and the list of
//! syntax errors met on the way, each with a span. A broken item or member becomes an `Error` node and
//! parsing resumes at the next item or member, so one typo does not hide the rest of the file and a
//! half-typed `weld.` still yields a tree for completion.
//!
//! This crate knows nothing of the compiler: it does not resolve names, check units or know which
//! fields a component has. The only outside knowledge it takes is which words are unit names, given
//! by the caller, because a unit expression after a number ends at the first word that is not a unit
//! (see the `lexer` module).
//!
//! [`format`] writes a file back in its canonical layout, with its comments, which the lexer lists
//! in a side table beside the tokens (see the `format` module). It is the one function here that
//! does not take the unit names from its caller: it reads them from the standard library.

pub mod ast;
pub mod dump;
mod error;
mod format;
pub mod lexer;
mod parser;

pub use ast::SourceFile;
pub use dump::dump;
pub use error::{NameRole, SyntaxError, SyntaxErrorKind};
pub use format::format;
pub use lexer::{Comment, CommentKind};
pub use parser::{Parse, parse};
