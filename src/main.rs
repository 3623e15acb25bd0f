//! `fab`: the command-line interface.
//!
//! The CLI is thin: it reads arguments, loads files through the compiler's file system, calls the
//! compiler, prints what it returns and chooses the exit code. It is the only place that prints or
//! exits. Exit codes: 0 success, 1 the model has errors, 2 a usage or IO error.

mod check;
mod explain;
mod graph;

use clap::{Parser, Subcommand, ValueEnum};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "fab",
    version,
    about = "Manufacturing process simulation: check, run, optimize and sync .fab models"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check models for errors; exits 1 when any has an error.
    Check {
        /// The model files.
        #[arg(required = true)]
        files: Vec<String>,
        /// `human` (default) or `json`: one JSON object per diagnostic per line on stdout.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Also report the distributions fitted by `fit(…)` and a summary of each model.
        #[arg(long)]
        verbose: bool,
    },
    /// Print the process graph the compiler built, as Graphviz DOT or JSON.
    Graph {
        file: String,
        #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
        format: GraphFormat,
    },
    /// Print the long explanation of a diagnostic code, e.g. `fab explain E0201`.
    Explain {
        /// The code; omit it to list every code.
        code: Option<String>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum GraphFormat {
    Dot,
    Json,
}

/// Whether to color terminal output: never when `NO_COLOR` is set (https://no-color.org).
fn use_color() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { files, format, verbose } => {
            check::run(&files, format == Format::Json, verbose)
        }
        Command::Graph { file, format } => graph::run(&file, format == GraphFormat::Json),
        Command::Explain { code } => explain::run(code.as_deref()),
    }
}
