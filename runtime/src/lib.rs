//! The fab runtime: the model IR it runs and (with the runtime work) the deterministic
//! discrete-event engine.
//!
//! This crate knows no syntax: a program can build a [`model::Model`] in Rust and run it without
//! the language. It depends only on `fab-stdlib` for distributions.

pub mod model;

pub use model::Model;
