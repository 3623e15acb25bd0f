//! `fab`: the command-line interface.
//!
//! The CLI is thin: it reads arguments, loads files through the compiler's file system, calls the
//! compiler, prints what it returns and chooses the exit code. It is the only place that prints or
//! exits. Exit codes: 0 success, 1 the model has errors, 2 a usage or IO error.

/// Prints to standard output like `print!`. When the reader has gone away (`fab run … | head`)
/// fab stops printing, quietly, and finishes the command, which still writes its files and exits
/// with its own code, instead of panicking; any other write error is reported and exits 2.
macro_rules! out {
    ($($arg:tt)*) => { $crate::write_stdout(format_args!($($arg)*), false) };
}

/// Prints a line to standard output like `println!`, with the error handling of `out!`.
macro_rules! outln {
    () => { $crate::write_stdout(format_args!(""), true) };
    ($($arg:tt)*) => { $crate::write_stdout(format_args!($($arg)*), true) };
}

/// Prints to standard error like `eprint!`, but a standard error that cannot be written (closed
/// by `fab check … 2>&1 | head`) is ignored rather than a panic: the command finishes and exits
/// with its own code.
macro_rules! err {
    ($($arg:tt)*) => { $crate::write_stderr(format_args!($($arg)*), false) };
}

/// Prints a line to standard error like `eprintln!`, with the error handling of `err!`.
macro_rules! errln {
    () => { $crate::write_stderr(format_args!(""), true) };
    ($($arg:tt)*) => { $crate::write_stderr(format_args!($($arg)*), true) };
}

mod check;
mod explain;
mod fit;
mod fmt;
mod graph;
mod lsp;
mod optimize;
mod reliability;
mod run;
mod study;
mod table;

use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::process::ExitCode;

// Compiling a model allocates hundreds of thousands of small values (1,000-station line: 200,000):
// mimalloc serves them in a fraction of the system allocator's instructions.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Writes to standard output for `out!` and `outln!`.
fn write_stdout(args: std::fmt::Arguments, newline: bool) {
    write_stdout_with(|stdout| {
        stdout.write_fmt(args)?;
        if newline { stdout.write_all(b"\n") } else { Ok(()) }
    });
}

/// Writes to standard error for `err!` and `errln!`, ignoring a failure to write: there is nowhere
/// left to report it.
fn write_stderr(args: std::fmt::Arguments, newline: bool) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr
        .write_fmt(args)
        .and_then(|()| if newline { stderr.write_all(b"\n") } else { Ok(()) });
}

/// Lets `value` live until the process exits instead of dropping it: for what a command holds to
/// its end, such as a compiled model's database. The operating system takes the memory back at
/// once, where dropping the database frees its memos (a tree and a checked body per item) one by
/// one: 3.9M instructions for a 1,000-station line, 4 % of `fab check`.
fn keep_until_exit<T>(value: T) {
    std::mem::forget(value);
}

/// Buffered standard output, written by direct (inlined) calls.
type Stdout = std::io::BufWriter<std::io::StdoutLock<'static>>;

/// Set once standard output's reader has gone away: nothing more is printed.
static STDOUT_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Hands `write` standard output, buffered, then flushes it, with the error handling of `out!`:
/// for documents too large to build as one string first. Once the reader has gone away, `write`
/// is not called: the command goes on to its end (files it writes are written, errors reported
/// on standard error, its exit code kept) rather than exit at the first line nobody reads, which
/// used to end `fab run --json --out DIR | head` with success before it wrote `DIR`.
fn write_stdout_with(write: impl FnOnce(&mut Stdout) -> std::io::Result<()>) {
    use std::sync::atomic::Ordering;
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let written = write(&mut stdout).and_then(|()| stdout.flush());
    match written {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            // What the buffer still holds is dropped with it: a second write would fail again.
            let _ = stdout.into_parts();
        }
        Err(error) => {
            errln!("error: cannot write to standard output: {error}");
            std::process::exit(2);
        }
    }
}

#[derive(Parser)]
#[command(
    name = "fab",
    version,
    about = "Manufacturing process simulation: check, run and optimize .fab models, fit data, estimate failure laws"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

// Parsed once per process: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
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
    /// Simulate a model: its first experiment, or the one named, and report the results.
    Run {
        file: String,
        /// Run this experiment.
        #[arg(long, conflicts_with = "scenario")]
        experiment: Option<String>,
        /// Run this scenario.
        #[arg(long)]
        scenario: Option<String>,
        /// Compare two experiments or scenarios with common random numbers: `--compare A,B`.
        #[arg(long, value_delimiter = ',', num_args = 1, conflicts_with_all = ["experiment", "scenario"])]
        compare: Option<Vec<String>>,
        /// Run a `sensitivity` study of the model.
        #[arg(long, conflicts_with_all = ["experiment", "scenario", "compare", "select"])]
        sensitivity: Option<String>,
        /// Select the best of several experiments or scenarios (Kim–Nelson, with common random
        /// numbers when they share a seed): `--select A,B,C`.
        #[arg(long, value_delimiter = ',', num_args = 1, conflicts_with_all = ["experiment", "scenario", "compare"])]
        select: Option<Vec<String>>,
        /// For `--select`: the measure (docs/reference/builtins.md#measures); the largest wins
        /// for `throughput`, `availability` and `oee`, the smallest for the others.
        #[arg(long, default_value = "throughput", requires = "select")]
        measure: String,
        /// For `--select`: the indifference zone, the smallest difference worth detecting, in the
        /// measure's unit (parts/h, s, parts, currency).
        #[arg(long, requires = "select")]
        indifference: Option<f64>,
        /// For `--select`: the probability of correct selection.
        #[arg(long, default_value_t = 0.95, requires = "select")]
        pcs: f64,
        #[command(flatten)]
        experiment_overrides: ExperimentArgs,
        /// Propagate the uncertainty of inputs fitted to data: N macro-replications, each
        /// redrawing every `fit(…)` and `empirical(…)` input (0: off). Sets the experiment's
        /// `input_uncertainty`.
        #[arg(long, value_name = "N")]
        input_uncertainty: Option<u32>,
        /// How inputs are redrawn: `bootstrap` (resample the data, refit the family) or
        /// `parametric` (draw the estimate from its asymptotic normal law).
        #[arg(long, value_name = "METHOD", value_parser = ["bootstrap", "parametric"])]
        input_method: Option<String>,
        /// Threads for replications (default 0: all cores; at most 1024, and never more than
        /// there are replications to run); results do not depend on it.
        #[arg(long, default_value_t = 0, value_parser = run::parse_threads)]
        threads: usize,
        /// Write results.json, stations.csv, replications.csv and stations.svg to this folder
        /// (with `--compare`: comparison.json and comparison.csv; a study writes its own, see
        /// docs/results.md). Never over a file the model reads: checked before the run.
        #[arg(long)]
        out: Option<String>,
        /// Print the results document (JSON) on stdout instead of the table.
        #[arg(long)]
        json: bool,
        /// Write the failure trace of the first replication to this CSV file: every failure,
        /// repair end and maintenance per station and failure mode it renews (a station without
        /// failure modes has none), in the event-log shape
        /// `fab reliability FILE --unit s` reads. Not for a designed experiment or input
        /// uncertainty, which run many models, nor to a file the model reads or `--out` writes.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["compare", "select", "sensitivity"])]
        trace: Option<String>,
    },
    /// Run an `optimize` study: search its factors by simulation (common random numbers) and
    /// print the best point and every evaluated point.
    Optimize {
        file: String,
        /// The study (may be omitted when the model declares one).
        name: Option<String>,
        #[command(flatten)]
        experiment_overrides: ExperimentArgs,
        /// Threads (default 0: all cores; at most 1024, and never more than there are runs);
        /// results do not depend on it.
        #[arg(long, default_value_t = 0, value_parser = run::parse_threads)]
        threads: usize,
        /// Write optimize.json, optimize.csv and optimize.svg to this folder.
        #[arg(long)]
        out: Option<String>,
        /// Print the results document (JSON) on stdout instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// Print the process graph the compiler built, as Graphviz DOT or JSON.
    Graph {
        file: String,
        #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
        format: GraphFormat,
    },
    /// Rewrite models in the canonical layout; with `--check`, list those that are not.
    Fmt {
        /// The model files.
        #[arg(required = true)]
        files: Vec<String>,
        /// Write nothing: list the files that would change, each with a unified diff to its
        /// layout, and exit 1 if there is any.
        #[arg(long)]
        check: bool,
    },
    /// Run the language server on stdin and stdout, for editors (see docs/editor.md).
    Lsp,
    /// Fit distribution families to a column of a CSV file by maximum likelihood, rank them by
    /// AIC or BIC, test their goodness of fit and print the `.fab` expression of the best.
    Fit {
        /// The CSV file (a header line, then one row per observation).
        file: String,
        /// The column to fit (may be omitted when the file has one column).
        #[arg(long)]
        column: Option<String>,
        /// What the numbers are in, e.g. `s`, `min`, `h`, `m`: used in the expression, and a
        /// quantity that cannot be negative keeps its fits at or above zero.
        #[arg(long)]
        unit: Option<String>,
        /// A status column for right-censored values: `failure` or `1` for an observed value,
        /// `censored` or `0` for a unit still working at that value.
        #[arg(long)]
        censored: Option<String>,
        /// Only these families, e.g. `--families weibull,lognormal` (`weibull3`, `lognormal3`
        /// for the shifted variants alone).
        #[arg(long, value_delimiter = ',')]
        families: Vec<String>,
        /// Rank by `aic` (default) or `bic`.
        #[arg(long, value_enum, default_value_t = Rank::Aic)]
        rank: Rank,
        /// Write histogram.svg, qq.svg and pp.svg to this folder.
        #[arg(long)]
        plot: Option<String>,
        /// Print the report as JSON on stdout.
        #[arg(long)]
        json: bool,
        /// Parametric bootstrap p-values for KS and AD from this many resamples (0: off).
        #[arg(long, default_value_t = 0)]
        bootstrap: usize,
        /// The seed of the bootstrap's random streams.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Estimate failure laws from failure records: lives per asset and failure mode, MTBF, MTTR,
    /// availability, Weibull, exponential and lognormal fits with censoring, B10, the wear-out test
    /// and the `failure { … }` block to paste (see docs/reliability.md).
    Reliability(reliability::Options),
    /// Print the long explanation of a diagnostic code, e.g. `fab explain E0201`.
    Explain {
        /// The code; omit it to list every code.
        code: Option<String>,
    },
}

/// The experiment's settings a run or a study may override.
#[derive(clap::Args)]
struct ExperimentArgs {
    /// Override the number of replications (a study's every point runs them all).
    #[arg(long)]
    replications: Option<u32>,
    /// Override the seed (a whole number up to 2^53 - 1).
    #[arg(long, value_parser = run::parse_seed)]
    seed: Option<u64>,
    /// Override the horizon, e.g. `30d`, `8h`, `3600` (seconds).
    #[arg(long, value_parser = run::parse_duration)]
    horizon: Option<f64>,
    /// Override the warm-up, e.g. `1d`.
    #[arg(long, value_parser = run::parse_duration)]
    warmup: Option<f64>,
}

impl ExperimentArgs {
    fn overrides(self) -> fab_runtime::Overrides {
        let ExperimentArgs { replications, seed, horizon, warmup } = self;
        fab_runtime::Overrides { replications, seed, horizon, warmup, ..Default::default() }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Rank {
    Aic,
    Bic,
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

/// Runs the command on a thread with the stack the compiler's passes need on the deepest model
/// the lexer lets through ([`fab_grammar::lexer::STACK_SIZE`]): they recurse once per level of
/// its syntax tree, and a sum of a few thousand terms overflowed the main thread's 8 MiB. Where
/// the system will not give a thread that much, the command runs here.
fn main() -> ExitCode {
    let thread = std::thread::Builder::new()
        .name("fab".to_string())
        .stack_size(fab_grammar::lexer::STACK_SIZE)
        .spawn(command);
    match thread {
        Ok(thread) => thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
        Err(_) => command(),
    }
}

fn command() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { files, format, verbose } => {
            check::run(&files, format == Format::Json, verbose)
        }
        Command::Run {
            file,
            experiment,
            scenario,
            compare,
            sensitivity,
            select,
            measure,
            indifference,
            pcs,
            experiment_overrides,
            input_uncertainty,
            input_method,
            threads,
            out,
            json,
            trace,
        } => {
            // Names are read without the spaces around them, as a list written `A, B` reads.
            let trimmed = |names: Vec<String>| -> Vec<String> {
                names.iter().map(|name| name.trim().to_string()).collect()
            };
            let (compare, select) = (compare.map(trimmed), select.map(trimmed));
            // An empty name (`--compare baseline,`) is a slip of the command line, not a study
            // the model lacks: the form is said.
            let compare = match compare.as_deref() {
                None => None,
                Some([a, b]) if !a.is_empty() && !b.is_empty() => Some((a.clone(), b.clone())),
                Some(_) => {
                    errln!("error: `--compare` takes two names: `--compare A,B`");
                    return ExitCode::from(2);
                }
            };
            if select
                .as_ref()
                .is_some_and(|names| names.len() < 2 || names.contains(&String::new()))
            {
                errln!("error: `--select` takes at least two names: `--select A,B`");
                return ExitCode::from(2);
            }
            let twice = select.as_deref().and_then(|names| {
                let name = names.iter().enumerate().find(|(i, name)| names[..*i].contains(name));
                name.map(|(_, name)| ("--select", name))
            });
            let twice =
                twice.or(compare.as_ref().filter(|(a, b)| a == b).map(|(a, _)| ("--compare", a)));
            if let Some((flag, name)) = twice {
                errln!(
                    "error: `{flag}` names `{name}` twice; a study against itself differs by \
                     nothing"
                );
                return ExitCode::from(2);
            }
            let select = match (select, indifference) {
                (None, _) => None,
                (Some(names), Some(indifference)) => {
                    Some(run::Selection { names, measure, indifference, pcs })
                }
                (Some(_), None) => {
                    errln!(
                        "error: `--select` needs `--indifference D`, the smallest difference \
                         worth detecting"
                    );
                    return ExitCode::from(2);
                }
            };
            run::run(run::Options {
                file,
                study: experiment.or(scenario),
                overrides: fab_runtime::Overrides {
                    input_uncertainty,
                    input_method: input_method
                        .as_deref()
                        .and_then(fab_runtime::uncertainty::InputMethod::from_name),
                    ..experiment_overrides.overrides()
                },
                threads,
                out,
                json,
                compare,
                sensitivity,
                select,
                trace,
            })
        }
        Command::Optimize { file, name, experiment_overrides, threads, out, json } => {
            optimize::run(
                &run::Options {
                    file,
                    study: None,
                    overrides: experiment_overrides.overrides(),
                    threads,
                    out,
                    json,
                    compare: None,
                    sensitivity: None,
                    select: None,
                    trace: None,
                },
                name.as_deref(),
            )
        }
        Command::Graph { file, format } => graph::run(&file, format == GraphFormat::Json),
        Command::Fmt { files, check } => fmt::run(&files, check),
        Command::Lsp => lsp::run(),
        Command::Fit {
            file,
            column,
            unit,
            censored,
            families,
            rank,
            plot,
            json,
            bootstrap,
            seed,
        } => fit::run(fit::Options {
            file,
            column,
            unit,
            censored,
            families,
            criterion: match rank {
                Rank::Aic => fab_stdlib::fit::Criterion::Aic,
                Rank::Bic => fab_stdlib::fit::Criterion::Bic,
            },
            plot,
            json,
            bootstrap,
            seed,
        }),
        Command::Reliability(options) => reliability::run(options),
        Command::Explain { code } => explain::run(code.as_deref()),
    }
}
