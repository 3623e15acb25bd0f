//! `fab run`: simulate a model's experiment or scenario and report, or compare two of them.

use crate::table::{Column, Table, counted, plus_minus};
use fab_compiler::db::SourceFile;
use fab_compiler::{Database, compile, load_model, render};
use fab_runtime::RunError;
use fab_runtime::experiment::{Comparison, Overrides, Study, compare};
use fab_runtime::results::Stops;
use fab_runtime::results::{Deadlock, PointDeadlock, Results, Stat};
use fab_runtime::{json, report};
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

pub struct Options {
    pub file: String,
    /// An experiment or scenario name.
    pub study: Option<String>,
    pub overrides: Overrides,
    pub threads: usize,
    pub out: Option<String>,
    pub json: bool,
    pub compare: Option<(String, String)>,
    /// A `sensitivity` study to run.
    pub sensitivity: Option<String>,
    pub select: Option<Selection>,
    /// `--trace FILE`: the failure trace of the first replication.
    pub trace: Option<String>,
}

/// `--select A,B,… --measure M --indifference D --pcs P`.
pub struct Selection {
    pub names: Vec<String>,
    pub measure: String,
    pub indifference: f64,
    pub pcs: f64,
}

/// Writes the failure trace of the study's first replication (a re-run of it: the same draws, so
/// the same lives the results counted).
fn write_trace(path: &str, study: &Study, compiled: &Compiled) -> Result<(), ExitCode> {
    let trace = match fab_runtime::simulate_traced(&study.model, &study.experiment, 0) {
        Ok((_, trace)) => trace,
        Err(error) => {
            compiled.report(&error);
            return Err(ExitCode::from(1));
        }
    };
    std::fs::write(path, fab_runtime::engine::trace_csv(&trace)).map_err(|e| {
        errln!("error: cannot write the trace `{path}`: {e}");
        ExitCode::from(2)
    })
}

/// A model compiled to run, with what it was read from: its files (its own first, its imports,
/// the data files it reads) and the compiler's database, in which a run-time error finds the
/// declaration it names.
pub struct Compiled {
    pub model: fab_runtime::Model,
    pub inputs: Vec<String>,
    db: Database,
    root: SourceFile,
}

impl Compiled {
    /// Prints a run-time error: with a code, as a diagnostic at the declaration of the component
    /// it names (as `fab check` prints its own); without one, as a line.
    pub fn report(&self, error: &RunError) {
        self.report_in(error, None);
    }

    /// [`Compiled::report`] for an error of one of several studies, or of a scenario: `study`
    /// names it (`scenario \`b\``), since the label at the component shows the model as written,
    /// not the value the study gave it.
    pub fn report_in(&self, error: &RunError, study: Option<&str>) {
        match fab_compiler::run_diagnostic(&self.db, self.root, error) {
            Some(mut diagnostic) => {
                if let Some(study) = study {
                    diagnostic = diagnostic.note(format!("In the run of {study}."));
                }
                err!("{}", render::render_human(&self.db, &[diagnostic], crate::use_color()))
            }
            None => {
                let within =
                    study.map(|study| format!(" (in the run of {study})")).unwrap_or_default();
                match error.code() {
                    Some(code) => errln!("error[{code}]: {error}{within}"),
                    None => errln!("error: {error}{within}"),
                }
            }
        }
    }
}

impl Compiled {
    /// Prints what a run found wrong with the model without stopping (a standstill, W0908;
    /// maintenance that never came due, W0910), as warnings at the declarations of the components
    /// concerned, each with a note of the run it happened in, `run` (`Study::describe`): the
    /// label shows the model as written, and a scenario may have made the loop or given the
    /// station the strategy the label describes; with `--compare`, it says which side. Printed
    /// after the results, on standard error, where the checker's warnings go.
    pub fn warn(&self, model: &fab_runtime::Model, results: &Results, run: &str) {
        let deadlocks: Vec<_> = results.deadlocks.iter().map(|d| (None, d)).collect();
        let mut found = fab_compiler::deadlock_diagnostics(
            &self.db,
            self.root,
            &deadlocks,
            results.replications,
        );
        found.extend(fab_compiler::idle_maintenance_diagnostics(
            &self.db, self.root, model, results,
        ));
        let found: Vec<_> =
            found.into_iter().map(|d| d.note(format!("In the run of {run}."))).collect();
        if !found.is_empty() {
            // A blank line apart from the results above.
            err!("\n{}", render::render_human(&self.db, &found, crate::use_color()));
        }
    }

    /// [`Compiled::warn`] for a study of many models: the standstills of its points (each a
    /// `noun`: "point", "macro-replication"), out of `runs` replications in all.
    pub fn warn_points(&self, deadlocks: &[PointDeadlock], runs: u32, noun: &str) {
        let deadlocks: Vec<_> =
            deadlocks.iter().map(|d| (Some(format!("{noun} {}", d.point)), &d.deadlock)).collect();
        self.print_warnings(&deadlocks, runs);
    }

    /// Prints the standstills found, each with the model it happened in (`None` for a run of one
    /// model), out of `runs` replications in all.
    pub fn print_warnings(&self, deadlocks: &[(Option<String>, &Deadlock)], runs: u32) {
        let diagnostics = fab_compiler::deadlock_diagnostics(&self.db, self.root, deadlocks, runs);
        if !diagnostics.is_empty() {
            // A blank line apart from the results above.
            err!("\n{}", render::render_human(&self.db, &diagnostics, crate::use_color()));
        }
    }
}

/// Compiles a model file, printing its diagnostics: the model and what it was read from, or the
/// exit code when it cannot run.
pub fn compile_model(file: &str) -> Result<Compiled, ExitCode> {
    let mut db = Database::default();
    let root = match load_model(&mut db, file) {
        Ok(root) => root,
        Err(reason) => {
            errln!("error: cannot read `{file}`: {reason}");
            return Err(ExitCode::from(2));
        }
    };
    let compilation = compile(&db, root);
    if !compilation.diagnostics.is_empty() {
        err!("{}", render::render_human(&db, &compilation.diagnostics, crate::use_color()));
    }
    let Some(model) = compilation.model else {
        errln!("error: `{file}` has errors; fix them to run it");
        return Err(ExitCode::from(1));
    };
    let files = fab_compiler::scope::model_files(&db, root).iter().map(|f| f.path(&db).clone());
    let inputs = files.chain(db.data_paths()).collect();
    Ok(Compiled { model, inputs, db, root })
}

/// The files `--out DIR` writes, per kind of run, the document first: read by the code that
/// writes them and by [`prepare_outputs`], which checks each before anything runs.
pub const RUN_FILES: [&str; 4] =
    ["results.json", "stations.csv", "replications.csv", "stations.svg"];
/// `--compare A,B`.
pub const COMPARISON_FILES: [&str; 2] = ["comparison.json", "comparison.csv"];
/// A designed experiment (`vary`).
pub const DESIGN_FILES: [&str; 2] = ["design.json", "design.csv"];
/// An experiment with input uncertainty.
pub const INPUT_UNCERTAINTY_FILES: [&str; 2] = ["input_uncertainty.json", "input_uncertainty.csv"];
/// `--sensitivity NAME`.
pub const SENSITIVITY_FILES: [&str; 3] = ["sensitivity.json", "sensitivity.csv", "sensitivity.svg"];
/// `--select A,B,…`.
pub const SELECTION_FILES: [&str; 1] = ["selection.json"];
/// `fab optimize`.
pub const OPTIMIZE_FILES: [&str; 3] = ["optimize.json", "optimize.csv", "optimize.svg"];

/// What `fab run` runs, chosen once from the command line and the study it resolved: the files
/// `--out` is checked for before the run ([`Run::files`]) are the files that run writes.
enum Run<'a> {
    /// `--sensitivity NAME`.
    Sensitivity(&'a str),
    /// `--select A,B,…`.
    Select(&'a Selection),
    /// `--compare A,B`: both are resolved before either runs.
    Compare,
    /// An experiment with input uncertainty.
    InputUncertainty(Study),
    /// A designed experiment (`vary`).
    Design(Study),
    /// An experiment or scenario, replicated.
    Plain(Study),
    /// The study could not be resolved: reported once the outputs are prepared.
    Failed(RunError),
}

impl<'a> Run<'a> {
    /// What `options` asks for, `study` resolved (`None` with `--compare`).
    fn choose(options: &'a Options, study: Option<Result<Study, RunError>>) -> Self {
        if let Some(name) = &options.sensitivity {
            return Run::Sensitivity(name);
        }
        if let Some(selection) = &options.select {
            return Run::Select(selection);
        }
        match study {
            None => Run::Compare,
            Some(Err(error)) => Run::Failed(error),
            Some(Ok(study)) => match runs_many(&study) {
                Some(Many::InputUncertainty) => Run::InputUncertainty(study),
                Some(Many::Design) => Run::Design(study),
                None => Run::Plain(study),
            },
        }
    }

    /// The files it writes into `--out`'s folder.
    fn files(&self) -> &'static [&'static str] {
        match self {
            Run::Sensitivity(_) => &SENSITIVITY_FILES,
            Run::Select(_) => &SELECTION_FILES,
            Run::Compare => &COMPARISON_FILES,
            Run::InputUncertainty(_) => &INPUT_UNCERTAINTY_FILES,
            Run::Design(_) => &DESIGN_FILES,
            Run::Plain(_) => &RUN_FILES,
            Run::Failed(_) => &[],
        }
    }
}

/// The outputs of a run, ready: the folders `--out` created, to remove again if the run fails
/// before it writes into them.
#[must_use]
pub struct Outputs {
    /// Deepest first.
    created: Vec<std::path::PathBuf>,
}

impl Outputs {
    /// Ends the run with `code`: after a failure, removes the folders `prepare_outputs` created
    /// that are still empty, so that a run that could not start leaves nothing behind.
    pub fn finish(self, code: ExitCode) -> ExitCode {
        if code != ExitCode::SUCCESS {
            remove_created(&self.created);
        }
        code
    }
}

/// Removes the folders `created` (deepest first) that are still empty.
fn remove_created(created: &[std::path::PathBuf]) {
    for dir in created {
        // `remove_dir` removes only an empty folder: nothing written is ever lost.
        if std::fs::remove_dir(dir).is_err() {
            break;
        }
    }
}

/// Writes `charts` (file name, SVG) into `dir` for `command`'s `--plot`, once the folder is ready
/// for every one of them ([`prepare_folder`]; `input`, the file the command reads, is not
/// overwritten): the paths written.
pub(crate) fn write_plots(
    command: &str,
    dir: &str,
    charts: Vec<(String, String)>,
    input: &str,
) -> Result<Vec<String>, String> {
    let names: Vec<&str> = charts.iter().map(|(name, _)| name.as_str()).collect();
    prepare_folder(command, "--plot", dir, &names, &[input.to_string()])?;
    let mut written = Vec::new();
    for (name, svg) in charts {
        let path = Path::new(dir).join(name);
        std::fs::write(&path, svg)
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
        written.push(path.display().to_string());
    }
    Ok(written)
}

/// Makes `dir`, the folder `command`'s `flag` (`fab fit`'s `--plot`) writes `files` into, ready
/// for them, by the rule `--out` follows: the folder is created when missing, each file must be
/// one that can be written and none of `inputs`, the files the command reads. Why not, if not,
/// having removed the folders it created.
pub(crate) fn prepare_folder(
    command: &str,
    flag: &str,
    dir: &str,
    files: &[&str],
    inputs: &[String],
) -> Result<(), String> {
    let mut created = Vec::new();
    let reads = Reads { command: Some(command), inputs };
    out_problem(flag, dir, files, &reads, &mut created).inspect_err(|_| remove_created(&created))
}

/// The files a command reads, which its outputs must not overwrite.
struct Reads<'a> {
    /// The command, for one that reads no model (`` `fab fit` ``); `None` for a model's run,
    /// whose first input is the model.
    command: Option<&'a str>,
    inputs: &'a [String],
}

/// Fails before anything is simulated when an output could not be written afterwards: `--out`'s
/// folder is created now, and each of the `files` it will write there, like the `--trace` file,
/// must be a file that can be written, in an existing folder, that is not one of the model's
/// files (`inputs`, the model's own first). A long run should not end in "cannot create", nor an
/// output destroy the model or the data it reads, nor the trace and `--out` overwrite each other.
pub fn prepare_outputs(
    options: &Options,
    inputs: &[String],
    files: &[&str],
) -> Result<Outputs, ExitCode> {
    let mut outputs = Outputs { created: Vec::new() };
    if let Some(dir) = &options.out
        && let Err(problem) =
            out_problem("--out", dir, files, &Reads { command: None, inputs }, &mut outputs.created)
    {
        errln!("error: {problem}");
        return Err(outputs.finish(ExitCode::from(2)));
    }
    if let Some(path) = &options.trace
        && let Some(problem) = trace_problem(path, options.out.as_deref(), files, inputs)
    {
        errln!("error: cannot write the trace `{path}`: {problem}");
        return Err(outputs.finish(ExitCode::from(2)));
    }
    Ok(outputs)
}

/// Why `flag dir` (`--out dir`) cannot take `files`, if it cannot, creating the folder when it is
/// missing (and recording in `created` the folders made, deepest first).
fn out_problem(
    flag: &str,
    dir: &str,
    files: &[&str],
    reads: &Reads,
    created: &mut Vec<std::path::PathBuf>,
) -> Result<(), String> {
    if dir.is_empty() {
        return Err(format!("`{flag}` names no folder (`{flag} .` writes into the current one)"));
    }
    let folder = Path::new(dir);
    // A link to nothing on the way cannot be created as a folder, nor written through.
    if let Some((at, link)) = folder.ancestors().find_map(|a| Some((a, link_to_nothing(a)?))) {
        return Err(if at == folder {
            format!("cannot write into `{dir}`: it is {link}")
        } else {
            format!("cannot create `{dir}`: `{}` is {link}", at.display())
        });
    }
    // The nearest part of the path that exists must be a folder.
    if let Some(file) = folder.ancestors().find(|a| !a.as_os_str().is_empty() && a.exists())
        && !file.is_dir()
    {
        // `/dev/null` is no file either: a device is said to be one.
        let what = if file.is_file() { "a file" } else { "a device, a pipe or a socket" };
        return Err(if file == folder {
            format!("cannot write into `{dir}`: it is {what}, not a folder")
        } else {
            format!("cannot create `{dir}`: `{}` is {what}, not a folder", file.display())
        });
    }
    create_folders(folder, created).map_err(|e| format!("cannot create `{dir}`: {e}"))?;
    for name in files {
        let path = folder.join(name);
        let problem = match input_clash(&path, reads, &format!("`{flag} {dir}`")) {
            Some(clash) => Some(clash),
            None => writable(&path).err(),
        };
        if let Some(problem) = problem {
            return Err(format!("cannot write `{}`: {problem}", path.display()));
        }
    }
    Ok(())
}

/// Creates `folder` and the folders above it that are missing, one at a time, and records in
/// `created` each folder it made, deepest first: those, and only those, a failed run removes. A
/// path's own spelling is no record of them: `sub/x/..` is the folder `sub` once `sub/x` exists,
/// and the spellings it was read as (`sub/x/..`, `sub/x`, `sub`) left `sub/x` behind.
fn create_folders(folder: &Path, created: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    let mut path = std::path::PathBuf::new();
    for component in folder.components() {
        path.push(component);
        if path.is_dir() {
            continue;
        }
        match std::fs::create_dir(&path) {
            Ok(()) => created.insert(0, path.clone()),
            // Made meanwhile by someone else: theirs, not to remove.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && path.is_dir() => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Why the trace cannot be written to `path`, if it cannot: its folder is missing, it is a folder,
/// it cannot be written, or writing it would overwrite one of the model's files or be
/// overwritten by one of the `files` of `out`.
fn trace_problem(
    path: &str,
    out: Option<&str>,
    files: &[&str],
    inputs: &[String],
) -> Option<String> {
    let file = Path::new(path);
    let folder = file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if folder.is_file() {
        return Some(format!("`{}` is a file, not a folder", folder.display()));
    }
    if !folder.is_dir() {
        return Some(format!("the folder `{}` does not exist", folder.display()));
    }
    if let Some(clash) = input_clash(file, &Reads { command: None, inputs }, "the trace") {
        return Some(clash);
    }
    if let Some(dir) = out {
        let trace = resolved(file);
        let name = files.iter().find(|name| {
            trace.is_some() && resolved(&Path::new(dir).join(name)).as_ref() == trace.as_ref()
        });
        if let Some(name) = name {
            return Some(format!("`--out {dir}` writes `{name}` there, over the trace"));
        }
    }
    writable(file).err()
}

/// Whether writing `path` would overwrite one of the files a command `reads` (a model's, its own
/// first; `fab fit`'s data file), the same file by any spelling: why `writer` cannot write there.
/// The one rule of every output, `--out`'s files, the trace and `--plot`'s files alike.
fn input_clash(path: &Path, reads: &Reads, writer: &str) -> Option<String> {
    let output = resolved(path)?;
    let (index, input) = reads
        .inputs
        .iter()
        .enumerate()
        .find(|(_, input)| same_file(path, &output, Path::new(input)))?;
    Some(match reads.command {
        Some(command) => {
            format!("it is `{input}`, which {command} reads and {writer} would overwrite")
        }
        None if index == 0 => format!("it is the model `{input}`, which {writer} would overwrite"),
        None => format!("it is `{input}`, which the model reads and {writer} would overwrite"),
    })
}

/// Whether writing `path` (`output` once resolved) would write `input`: the same path once links
/// and `..` are resolved, or, on Unix, the same device and inode, which is what a hard link, a
/// second name of one file, shares.
fn same_file(path: &Path, output: &Path, input: &Path) -> bool {
    if input.canonicalize().is_ok_and(|input| input == output) {
        return true;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(a), Ok(b)) = (std::fs::metadata(path), std::fs::metadata(input)) {
            return a.dev() == b.dev() && a.ino() == b.ino();
        }
    }
    false
}

/// Whether `path`, in an existing folder, can be written, without changing it: a file there is
/// opened for writing (not truncated), a missing one is created and removed again. A symbolic
/// link to nothing is refused: writing through it would make a file the command line never
/// named, where the checks that resolve links (against the model's files, between the outputs)
/// cannot see it, and creating the file in its place fails on the link.
fn writable(path: &Path) -> Result<(), String> {
    if let Some(link) = link_to_nothing(path) {
        return Err(format!("it is {link}"));
    }
    if path.is_dir() {
        return Err("it is a folder".to_string());
    }
    let opened = if path.exists() {
        std::fs::OpenOptions::new().append(true).open(path).map(drop)
    } else {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .and_then(|_| std::fs::remove_file(path))
    };
    opened.map_err(|e| e.to_string())
}

/// `a symbolic link to `…`, which does not exist` when `path` is a link that leads nowhere, for
/// a message that says what the path is.
fn link_to_nothing(path: &Path) -> Option<String> {
    let target = std::fs::read_link(path).ok()?;
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Some(format!("a symbolic link to `{}`, which does not exist", target.display()))
        }
        _ => None,
    }
}

/// Where `path` leads, links and `..` resolved, for a file that may not exist yet (its folder
/// must).
fn resolved(path: &Path) -> Option<std::path::PathBuf> {
    if let Ok(path) = path.canonicalize() {
        return Some(path);
    }
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    Some(folder.canonicalize().ok()?.join(path.file_name()?))
}

/// Why `study` cannot be one of the runs `--compare` pairs or `--select` ranks, if it cannot: they
/// pair one model's replications, and input uncertainty and a designed experiment run many
/// models. Run as plain replications instead, a designed experiment compared the model without
/// its design, every difference 0. `among` is what the message suggests comparing: "compare",
/// "select among". The study runs alone and the command line combined it: a usage error (exit
/// 2), as `--trace` on it ([`untraceable`]) and `--input-uncertainty` with `--compare` are.
pub fn runs_alone(study: &Study, among: &str) -> Option<String> {
    let what = study.describe();
    Some(match runs_many(study)? {
        Many::InputUncertainty => format!(
            "{what} asks for input uncertainty, which runs alone: {among} experiments without \
             `input_uncertainty` (or pass `--input-uncertainty 0`)"
        ),
        Many::Design => {
            let (flag, name) = match &study.scenario {
                Some(scenario) => ("--scenario", scenario),
                None => ("--experiment", &study.experiment.name),
            };
            format!(
                "{what} is a designed experiment, which runs another model at every point and \
                 runs alone: run it with `{flag} {name}`, or {among} experiments and scenarios \
                 without `vary`"
            )
        }
    })
}

/// Why `--trace` does not apply to `study`, if it does not: the trace is of one model's first
/// replication, and a designed experiment or input uncertainty runs many models.
fn untraceable(study: &Study) -> Option<String> {
    let what = study.describe();
    Some(match runs_many(study)? {
        Many::InputUncertainty => format!(
            "`--trace` writes the failure trace of one model's first replication, and {what} \
             asks for input uncertainty, which redraws the fitted inputs for every \
             macro-replication: add `--input-uncertainty 0` to trace the model as written"
        ),
        Many::Design => format!(
            "`--trace` writes the failure trace of one model's first replication, and {what} is \
             a designed experiment, which runs another model at every point: trace an experiment \
             without `vary`"
        ),
    })
}

/// What makes a study run many models rather than one, asked once for what runs it
/// (`Run::choose`) and for what refuses it (`runs_alone`, `untraceable`).
#[derive(Clone, Copy)]
enum Many {
    /// Input uncertainty redraws the fitted inputs for every macro-replication.
    InputUncertainty,
    /// A designed experiment runs another model at every point.
    Design,
}

/// Whether `study` runs many models, and why; one that asks for both runs as input uncertainty.
fn runs_many(study: &Study) -> Option<Many> {
    if study.experiment.input_uncertainty.is_some() {
        Some(Many::InputUncertainty)
    } else if study.experiment.design.is_some() {
        Some(Many::Design)
    } else {
        None
    }
}

pub fn run(options: Options) -> ExitCode {
    let compiled = match compile_model(&options.file) {
        Ok(compiled) => compiled,
        Err(code) => return code,
    };
    let model = &compiled.model;
    let asks_input_uncertainty = options.overrides.input_uncertainty.is_some_and(|n| n > 0)
        || options.overrides.input_method.is_some();
    if asks_input_uncertainty
        && (options.compare.is_some() || options.select.is_some() || options.sensitivity.is_some())
    {
        errln!(
            "error: `--input-uncertainty` runs one experiment or scenario; it does not combine \
             with `--compare`, `--select` or `--sensitivity`"
        );
        return ExitCode::from(2);
    }
    // The study run, resolved once, unless `--compare` names two (`--compare`, `--select` and
    // `--sensitivity` refuse `--trace` as arguments): a trace it cannot have is refused before
    // any output is prepared.
    let study = options
        .compare
        .is_none()
        .then(|| Study::resolve(model, options.study.as_deref(), &options.overrides));
    if options.trace.is_some()
        && let Some(Ok(study)) = &study
        && let Some(why) = untraceable(study)
    {
        errln!("error: {why}");
        return ExitCode::from(2);
    }
    let run = Run::choose(&options, study);
    let outputs = match prepare_outputs(&options, &compiled.inputs, run.files()) {
        Ok(outputs) => outputs,
        Err(code) => return code,
    };
    let code = outputs.finish(run_prepared(&options, &compiled, run));
    crate::keep_until_exit(compiled);
    code
}

/// Runs what the command line asks for, its outputs prepared, and reports it.
fn run_prepared(options: &Options, compiled: &Compiled, run: Run) -> ExitCode {
    let model = &compiled.model;
    let studies = match run {
        Run::Sensitivity(name) => return crate::study::sensitivity(options, compiled, name),
        Run::Select(selection) => return crate::study::select(options, compiled, selection),
        Run::InputUncertainty(study) => {
            return crate::study::input_uncertainty(options, compiled, &study);
        }
        Run::Design(study) => return crate::study::design(options, compiled, &study),
        Run::Plain(study) => vec![study],
        Run::Failed(error) => return resolve_failed(&error, model),
        // `--compare A,B`: both are resolved before either runs.
        Run::Compare => {
            let mut both = Vec::with_capacity(2);
            for name in options.compare.iter().flat_map(|(a, b)| [a, b]) {
                match Study::resolve(model, Some(name), &options.overrides) {
                    Ok(study) => match runs_alone(&study, "compare") {
                        Some(why) => {
                            errln!("error: {why}");
                            return ExitCode::from(2);
                        }
                        None => both.push(study),
                    },
                    Err(error) => return resolve_failed(&error, model),
                }
            }
            both
        }
    };
    let mut all = Vec::new();
    // A trace that could not be written after all: reported after the results, not instead.
    let mut trace_failed = None;
    let several = studies.len() > 1;
    for study in studies {
        let label = study.scenario.clone().unwrap_or_else(|| study.experiment.name.clone());
        let named = if study.scenario.is_some() {
            Some(format!("scenario `{label}`"))
        } else {
            several.then(|| format!("experiment `{label}`"))
        };
        let progress = Progress::new(&label, options.json);
        let total = study.experiment.replications;
        let results = study.run(options.threads, &|done| progress.update(done, total));
        progress.clear();
        if let (Some(path), Ok(_)) = (&options.trace, &results) {
            trace_failed = write_trace(path, &study, compiled).err();
        }
        match results {
            Ok(results) => all.push((results, study.describe(), study.model)),
            Err(error) => {
                compiled.report_in(&error, named.as_deref());
                return ExitCode::from(1);
            }
        }
    }
    if let [(a, run_a, model_a), (b, run_b, model_b)] = all.as_slice() {
        let comparison = compare(a, b);
        if let Err(error) = comparison.check_finite() {
            compiled.report(&error);
            return ExitCode::from(1);
        }
        let [document, differences] = COMPARISON_FILES;
        let emitted = emit(
            options,
            &comparison,
            document,
            || comparison_table(&comparison),
            || vec![(differences, report::comparison_csv(&comparison))],
        );
        compiled.warn(model_a, a, run_a);
        compiled.warn(model_b, b, run_b);
        return emitted;
    }
    let (results, run, model) = &all[0];
    let [document, stations_csv, replications_csv, stations_svg] = RUN_FILES;
    let emitted = emit(
        options,
        results,
        document,
        || table(&options.file, results),
        || {
            vec![
                (stations_csv, report::stations_csv(results)),
                (replications_csv, report::replications_csv(results)),
                (stations_svg, report::stations_svg(results)),
            ]
        },
    );
    compiled.warn(model, results, run);
    trace_failed.unwrap_or(emitted)
}

/// With `--out`, writes the document as `json_name` followed by the other files; then prints the
/// document (`--json`) or the table, and under the table names the files written. The files come
/// first: a reader of standard output that goes away (`| head`) never costs them.
pub fn emit(
    options: &Options,
    document: &impl serde::Serialize,
    json_name: &'static str,
    table: impl FnOnce() -> String,
    files: impl FnOnce() -> Vec<(&'static str, String)>,
) -> ExitCode {
    let written = options.out.as_deref().map(|dir| {
        let mut names = vec![json_name];
        let written = write_json(dir, json_name, document).and_then(|()| {
            let files = files();
            names.extend(files.iter().map(|(name, _)| *name));
            write_files(dir, &files)
        });
        written.map(|()| (dir, names))
    });
    // The document is streamed, never held as one string: a 1,000-station line's is 5 MB.
    if options.json {
        crate::write_stdout_with(|stdout| {
            json::to_writer_pretty(&mut *stdout, document)?;
            stdout.write_all(b"\n")
        });
    } else {
        out!("{}", table());
    }
    match written {
        None => ExitCode::SUCCESS,
        Some(Ok((dir, names))) => {
            if !options.json {
                outln!("\nwrote {} to {dir}", names.join(", "));
            }
            ExitCode::SUCCESS
        }
        // Reported after the results, which are printed all the same.
        Some(Err(e)) => {
            errln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Writes `document` as pretty JSON to `dir/name`, streamed through a buffer.
fn write_json(dir: &str, name: &str, document: &impl serde::Serialize) -> Result<(), String> {
    write_file_with(dir, name, |file| {
        json::to_writer_pretty(&mut *file, document)?;
        file.write_all(b"\n")
    })
}

pub fn write_files(dir: &str, files: &[(&str, String)]) -> Result<(), String> {
    for (name, text) in files {
        write_file_with(dir, name, |file| file.write_all(text.as_bytes()))?;
    }
    Ok(())
}

/// Creates `dir` if need be and writes `dir/name` through a buffer with `write`; the error names
/// the folder or the file.
fn write_file_with(
    dir: &str,
    name: &str,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create `{dir}`: {e}"))?;
    let path = Path::new(dir).join(name);
    let written = std::fs::File::create(&path).and_then(|file| {
        let mut file = std::io::BufWriter::with_capacity(1 << 16, file);
        write(&mut file)?;
        file.flush()
    });
    written.map_err(|e| format!("cannot write `{}`: {e}", path.display()))
}

/// The base experiment of a study (`sensitivity`, `optimize`) with the command line's overrides,
/// printing the error: the exit code 1 when it cannot run.
pub fn resolve_base(
    model: &fab_runtime::Model,
    base: fab_runtime::model::ExperimentId,
    options: &Options,
) -> Result<Study, ExitCode> {
    let name = &model.experiments[base.0 as usize].name;
    Study::resolve(model, Some(name), &options.overrides)
        .map_err(|error| resolve_failed(&error, model))
}

/// Reports a study of `model` that cannot be set up: a name the model does not have is exit 1, as
/// for `optimize` and `sensitivity` studies, and the message lists the names it has. The checker
/// refuses a model's own experiments that make no run, so numbers that make none
/// (`--replications 0`, a `--warmup` past the `--horizon`) are the command line's doing, a usage
/// error (exit 2), printed with the code of the rule they break (E0205), as the checker prints
/// it for a model's own.
pub fn resolve_failed(error: &RunError, model: &fab_runtime::Model) -> ExitCode {
    let code = error.code().map(|code| format!("[{code}]")).unwrap_or_default();
    match error {
        RunError::UnknownStudy(_) => {
            let experiments = model.experiments.iter().map(|e| e.name.as_str());
            let names: Vec<&str> =
                experiments.chain(model.scenarios.iter().map(|s| s.name.as_str())).collect();
            errln!("error: {error} ({})", the_model_has(&names));
            ExitCode::from(1)
        }
        RunError::BadExperiment(_) | RunError::Refused { .. } => {
            errln!("error{code}: {error}");
            ExitCode::from(2)
        }
        _ => {
            errln!("error{code}: {error}");
            ExitCode::from(1)
        }
    }
}

/// What a "no … named `x`" says next, in brackets: the `names` the model has of that kind, to
/// choose from.
pub fn the_model_has(names: &[&str]) -> String {
    if names.is_empty() {
        "the model declares none".to_string()
    } else {
        format!("the model has: {}", names.join(", "))
    }
}

/// Runs a study of `compiled`'s model under a progress bar labelled `label`, printing its error
/// (in the run of `within`, a scenario whose experiment bears its base's name): the exit code 1
/// when it fails.
pub fn with_progress<T>(
    compiled: &Compiled,
    label: &str,
    quiet: bool,
    within: Option<&str>,
    work: impl FnOnce(&(dyn Fn(u32, u32) + Sync)) -> Result<T, RunError>,
) -> Result<T, ExitCode> {
    let progress = Progress::new(label, quiet);
    let outcome = work(&|done, total| progress.update(f64::from(done), total));
    progress.clear();
    outcome.map_err(|error| {
        compiled.report_in(&error, within);
        ExitCode::from(1)
    })
}

/// A one-line progress bar on stderr, drawn only on a terminal.
pub struct Progress {
    label: String,
    shown: bool,
    /// The most done drawn so far (an `f64`'s bits, which order as the numbers do for these
    /// non-negative ones): replications on several threads report at once, and a report
    /// computed before another may arrive after it; the bar does not move back.
    drawn: std::sync::atomic::AtomicU64,
}

impl Progress {
    pub fn new(label: &str, quiet: bool) -> Progress {
        let shown = !quiet && std::io::stderr().is_terminal();
        Progress { label: label.to_string(), shown, drawn: std::sync::atomic::AtomicU64::new(0) }
    }

    /// `done` of `total` runs are done; `done` may count the share done of runs under way
    /// (`Study::run` reports a single long replication as it goes).
    pub fn update(&self, done: f64, total: u32) {
        if !self.shown || total == 0 {
            return;
        }
        let width = 30;
        let share = (done / f64::from(total)).clamp(0.0, 1.0);
        let filled = (share * width as f64) as usize;
        let bar: String = "█".repeat(filled) + &"·".repeat(width - filled);
        let percent = (share * 100.0).floor();
        let runs = if total == 1 { "run" } else { "runs" };
        // Compared and drawn under the lock, so that reports drawn one after the other rise.
        let mut err = std::io::stderr().lock();
        let bits = done.max(0.0).to_bits();
        if self.drawn.fetch_max(bits, std::sync::atomic::Ordering::Relaxed) > bits {
            return;
        }
        let _ = write!(err, "\r{} [{bar}] {percent:>3} % of {total} {runs}", self.label);
        let _ = err.flush();
    }

    pub fn clear(&self) {
        if self.shown {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

pub use fab_compiler::duration;

/// `mean ± half-width` with `digits` decimals (no ± for a single replication).
pub fn pm(stat: &Stat, digits: usize) -> String {
    if stat.mean.is_nan() {
        // A study's measure of delivered parts where some replication delivered none.
        "n/a".to_string()
    } else if stat.values.len() > 1 {
        format!("{} ± {}", fixed(stat.mean, digits), fixed(stat.half_width, digits))
    } else {
        fixed(stat.mean, digits)
    }
}

/// `x` with `digits` decimals, without the minus sign of a value that rounds to zero (`-0.0000`
/// reads as a negative result), with a `+` before a positive one when `signed`.
fn signed_fixed(x: f64, digits: usize, signed: bool) -> String {
    let text = format!("{x:.digits$}");
    let zero = text.trim_start_matches('-').bytes().all(|b| b == b'0' || b == b'.');
    match text.strip_prefix('-') {
        Some(magnitude) if zero => magnitude.to_string(),
        None if signed && !zero && x.is_finite() => format!("+{text}"),
        _ => text,
    }
}

/// `x` with `digits` decimals, never `-0.00`.
pub fn fixed(x: f64, digits: usize) -> String {
    signed_fixed(x, digits, false)
}

/// How many of a run's replications delivered no part (throughput 0) and how many it ran. The
/// document counts the lead time and the cost per part of such a replication as 0
/// (docs/results.md), so the tables that show those means say how many zeros they hold.
fn undelivered(throughput: &Stat) -> (usize, usize) {
    let none = throughput.values.iter().filter(|&&v| v == 0.0).count();
    (none, throughput.values.len())
}

/// `; 2 of 6 replications delivered no part: they count as 0`, or nothing when all delivered.
fn undelivered_note((none, runs): (usize, usize)) -> String {
    if none == 0 {
        return String::new();
    }
    let they = if none == 1 { "it counts" } else { "they count" };
    format!("; {none} of {runs} replications delivered no part: {they} as 0")
}

/// The cost per part delivered with its currency, or `None` when no replication delivered a part
/// to divide by; and the note of [`undelivered_note`].
fn cost_per_part(k: &fab_runtime::results::Kpis, currency: &str) -> Option<(String, String)> {
    let (none, runs) = undelivered(&k.throughput_per_hour);
    if runs > 0 && none == runs {
        return None;
    }
    let note = undelivered_note((none, runs));
    Some((format!("{} {currency}", pm(&k.cost_per_part, 2)), note))
}

/// What the table says when no replication delivered a part: a cost per part would divide by 0.
const NO_PART_DELIVERED: &str = "—, no part delivered";

fn percent(stat: &Stat) -> String {
    format!("{:.1}%", 100.0 * stat.mean)
}

/// A fraction the user wrote as a percentage (a confidence, a precision target), as a number of
/// percent without the noise of the conversion: `57 %` is stored as 0.57, and 100 × 0.57 is
/// 56.99999999999999, written `57` (`3.5`, `99.9`).
pub fn percent_number(fraction: f64) -> String {
    fab_stdlib::units::tidy_number(100.0 * fraction)
}

/// A time in hours for a table's cell: one decimal, or two significant digits when that would
/// read `0.0` for a time that is not zero (80 s of downtime is `0.022`, not `0.0`), in scientific
/// notation below 10⁻⁴ h (0.36 s). At most 7 characters below 100,000 h.
fn hours_cell(seconds: f64) -> String {
    let hours = seconds / 3600.0;
    if hours == 0.0 || hours.abs() >= 0.05 || !hours.is_finite() {
        return format!("{hours:.1}");
    }
    if hours.abs() < 1e-4 {
        return format!("{hours:.1e}");
    }
    // The decimals that keep two significant digits: 0.0123 → 3, 0.00123 → 4.
    let (mut decimals, mut below) = (2, 0.1);
    while hours.abs() < below {
        decimals += 1;
        below /= 10.0;
    }
    format!("{hours:.decimals$}")
}

/// The compact terminal report of one run.
fn table(file: &str, r: &Results) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let study = match &r.scenario {
        Some(scenario) => format!("scenario {scenario} (of {})", r.experiment),
        None => format!("experiment {}", r.experiment),
    };
    let _ = writeln!(
        out,
        "{file}: {study}, {}, horizon {}, warm-up {}, seed {}",
        crate::study::replications(r.replications),
        duration(r.horizon_s),
        duration(r.warmup_s),
        r.seed
    );
    if let Some(w) = &r.warmup_detection {
        let _ = writeln!(
            out,
            "warm-up chosen by {}: {} of {} observations of work in process deleted{}",
            w.method,
            w.deleted,
            w.observations,
            if w.reliable { "" } else { " (unreliable: the run may be too short to settle)" }
        );
    }
    if let Some(p) = &r.precision {
        let replications = crate::study::replications(p.replications);
        // The runtime's `achieved` is infinite where a relative half-width has no meaning: it
        // printed as "inf%".
        let achieved = if p.achieved.is_finite() {
            format!("{:.2}% of the mean with {replications}", 100.0 * p.achieved)
        } else if p.replications < 2 {
            format!("not defined with {replications}: one value has no spread")
        } else {
            format!("not defined with {replications}: the mean is 0")
        };
        let _ = writeln!(
            out,
            "precision: throughput half-width {achieved} (target {}%{})",
            percent_number(p.target),
            if p.reached {
                String::new()
            } else {
                format!(", not reached within max_replications = {}", p.max_replications)
            }
        );
    }
    let _ = writeln!(out, "({})\n", crate::study::intervals(r.replications, r.confidence));
    let k = &r.kpis;
    let _ = writeln!(out, "  throughput  {} parts/h", pm(&k.throughput_per_hour, 2));
    // A replication that delivered no part has no lead time, and counts as 0 in these means.
    let (none, runs) = undelivered(&k.throughput_per_hour);
    if runs > 0 && none == runs {
        let _ = writeln!(out, "  lead time   {NO_PART_DELIVERED}");
    } else {
        let _ = writeln!(
            out,
            "  lead time   {} s  (p50 {:.1} s, p95 {:.1} s{})",
            pm(&k.lead_time_s, 1),
            k.lead_time_p50_s.mean,
            k.lead_time_p95_s.mean,
            undelivered_note((none, runs))
        );
    }
    let _ = writeln!(out, "  WIP         {} parts", pm(&k.wip, 2));
    if k.scrapped.mean > 0.0 {
        let _ = writeln!(out, "  scrapped    {} parts", pm(&k.scrapped, 1));
    }
    if let Some(currency) = &r.currency {
        let per_part = match cost_per_part(k, currency) {
            Some((figure, note)) => format!("{figure}/part{note}"),
            None => NO_PART_DELIVERED.to_string(),
        };
        let _ = writeln!(out, "  cost        {} {currency}  ({per_part})", pm(&k.cost, 0));
    }
    if !r.stations.is_empty() {
        let shares = ["working", "starved", "blocked", "down", "maint", "setup", "OEE"];
        let columns = std::iter::once(Column::left("station"))
            .chain(shares.map(|heading| Column::right(heading).at_least(7)))
            .chain([Column::right("failures").at_least(8)]);
        let mut stations = Table::new(columns.collect());
        let bottleneck = r.bottleneck();
        for (name, s) in r.stations.iter() {
            let mark = if Some(name) == bottleneck {
                format!("  ◀ bottleneck ({:.0}% of the time)", 100.0 * s.bottleneck.mean)
            } else {
                String::new()
            };
            let shares = [&s.working, &s.starved, &s.blocked, &s.down, &s.maintenance, &s.setup];
            let cells = std::iter::once(name.to_string())
                .chain(shares.into_iter().chain([&s.oee]).map(percent))
                .chain([format!("{:.1}", s.failures.mean)]);
            stations.row_with(cells.collect(), mark);
        }
        out.push('\n');
        stations.write(&mut out);
    }
    maintenance_table(&mut out, r);
    // The tables of buffers, conveyors, resources and sinks: a column of names at least 12 wide,
    // one space, then the numbers.
    let names = |heading: &str| Column::left(heading).at_least(12);
    let first = |heading: &str, least: usize| Column::right(heading).at_least(least).after(" ");
    let seconds = |s: f64| format!("{s:.1} s");
    if !r.buffers.is_empty() {
        let mut buffers = Table::new(vec![
            names("buffer"),
            first("mean content", 12),
            Column::right("mean wait").at_least(11),
        ]);
        for (name, b) in r.buffers.iter() {
            buffers.row(vec![
                name.to_string(),
                pm(&b.mean_content, 2),
                seconds(b.mean_wait_s.mean),
            ]);
        }
        out.push('\n');
        buffers.write(&mut out);
    }
    if !r.conveyors.is_empty() {
        let mut conveyors = Table::new(vec![
            names("conveyor"),
            first("mean content", 12),
            Column::right("mean transit").at_least(12),
            Column::right("blocked").at_least(8),
        ]);
        for (name, c) in r.conveyors.iter() {
            conveyors.row(vec![
                name.to_string(),
                pm(&c.mean_content, 2),
                seconds(c.mean_transit_s.mean),
                percent(&c.blocked),
            ]);
        }
        out.push('\n');
        conveyors.write(&mut out);
    }
    if !r.resources.is_empty() {
        let mut resources = Table::new(vec![
            names("resource"),
            first("utilisation", 12),
            Column::right("mean wait").at_least(11),
            Column::right("jobs").at_least(8),
            Column::right("stock-outs").at_least(10),
            Column::right("mean stock").at_least(10),
        ]);
        for (name, q) in r.resources.iter() {
            resources.row(vec![
                name.to_string(),
                percent(&q.utilisation),
                seconds(q.mean_wait_s.mean),
                format!("{:.1}", q.jobs.mean),
                format!("{:.1}", q.stockouts.mean),
                format!("{:.2}", q.mean_stock.mean),
            ]);
        }
        out.push('\n');
        resources.write(&mut out);
    }
    if !r.sinks.is_empty() {
        let mut sinks = Table::new(vec![
            names("sink"),
            first("parts/h", 14),
            Column::right("count").at_least(9),
        ]);
        for (name, s) in r.sinks.iter() {
            // A mean over replications keeps a decimal: two replications of 0 and 1 parts are
            // 0.5, not a count of 0 beside a throughput that is not.
            let decimals = usize::from(s.count.values.len() > 1);
            sinks.row(vec![
                name.to_string(),
                pm(&s.throughput_per_hour, 2),
                format!("{:.decimals$}", s.count.mean),
            ]);
        }
        out.push('\n');
        sinks.write(&mut out);
    }
    out
}

/// The "maintenance and cost" section: per station and for the line, availability, time down and
/// in maintenance, lost output, failures and maintenance actions, and the costs. Only for a model
/// whose line stopped in the observed period ([`Stops::stopped`]: time lost to repairs or
/// maintenance, or a failure or an action counted), or that states costs.
fn maintenance_table(out: &mut String, r: &Results) {
    use std::fmt::Write as _;
    let line = &r.line;
    if !line.stopped() && r.currency.is_none() {
        return;
    }
    let currency = r.currency.as_deref();
    let mut columns = vec![
        Column::left("maintenance and cost"),
        Column::right("avail.").at_least(6),
        Column::right("down h").at_least(7),
        Column::right("maint h").at_least(7),
        Column::right("lost parts").at_least(10),
        Column::right("failures").at_least(8),
        Column::right("actions").at_least(7),
    ];
    if currency.is_some() {
        columns.extend([
            Column::right("downtime").at_least(9),
            Column::right("repair").at_least(9),
            Column::right("prevent.").at_least(8),
            Column::right("total").at_least(9),
        ]);
    }
    let mut table = Table::new(columns);
    if let Some(currency) = currency {
        table.heading_note(format!("  ({currency})"));
    }
    // Per station and for the line: availability, time down and in maintenance, then the means of
    // lost parts, failures and actions, and the costs.
    let stations = r.stations.iter().map(|(name, s)| {
        let figures = [&s.lost_output, &s.failures, &s.maintenance_actions];
        (name, [&s.availability, &s.downtime_s, &s.maintenance_s], figures, &s.costs)
    });
    let whole = [&line.lost_output, &line.failures, &line.maintenance_actions];
    let times = [&line.availability, &line.downtime_s, &line.maintenance_s];
    for (name, [availability, down, maintenance], figures, costs) in
        stations.chain([("line", times, whole, &line.costs)])
    {
        let mut cells = vec![
            name.to_string(),
            percent(availability),
            hours_cell(down.mean),
            hours_cell(maintenance.mean),
        ];
        cells.extend(figures.map(|stat| format!("{:.1}", stat.mean)));
        if currency.is_some() {
            let money = [&costs.downtime, &costs.repair, &costs.preventive, &costs.total];
            cells.extend(money.map(|cost| format!("{:.0}", cost.mean)));
        }
        table.row(cells);
    }
    out.push('\n');
    table.write(out);
    let _ = writeln!(
        out,
        "  (line: availability is the stations' mean, times and lost parts their sums{})",
        if currency.is_some() { "; total includes operating and per-part costs" } else { "" }
    );
    if let Some(currency) = currency {
        match cost_per_part(&r.kpis, currency) {
            Some((figure, note)) => writeln!(
                out,
                "  cost per part delivered {figure} (to any sink; parts scrapped by failures \
                 excluded{note})"
            ),
            None => writeln!(out, "  cost per part delivered {NO_PART_DELIVERED} to any sink"),
        }
        .unwrap_or_default();
    }
}

fn comparison_table(c: &Comparison) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let pairing = if c.common_random_numbers {
        "with common random numbers"
    } else {
        "of independent runs (different seeds: no common random numbers)"
    };
    let _ = writeln!(
        out,
        "{} vs {}: {} {pairing} ({}% confidence)",
        c.a,
        c.b,
        counted(c.replications as usize, "paired replication", "paired replications"),
        percent_number(c.confidence)
    );
    if let Some((a, b)) = c.confidences {
        let _ = writeln!(
            out,
            "  {} asks for {}% confidence and {} for {}%: every interval below is at {}'s {}%",
            c.a,
            percent_number(a),
            c.b,
            percent_number(b),
            c.a,
            percent_number(c.confidence)
        );
    }
    if let Some((a, b)) = c.ran {
        let _ = writeln!(
            out,
            "  {} ran {a} replications and {} ran {b}: the first {} of each are paired, and \
             each mean below is over those",
            c.a, c.b, c.replications
        );
    }
    let _ = writeln!(out);
    let mut table = Table::new(vec![
        Column::left("indicator"),
        Column::right(c.a.as_str()).at_least(14),
        Column::right(c.b.as_str()).at_least(14),
        Column::right("difference (B − A)").at_least(22),
    ]);
    // One replication gives no interval: no `±`, rather than a half-width of zero.
    let differences: Vec<(String, Option<String>)> = c
        .indicators
        .iter()
        .map(|(_, x)| {
            let d = &x.difference;
            let half_width = (c.replications > 1).then(|| fixed(d.half_width, 4));
            (signed_fixed(d.mean_diff, 4, true), half_width)
        })
        .collect();
    let differences = plus_minus(&differences, [12, 8]);
    for ((name, x), difference) in c.indicators.iter().zip(differences) {
        let significant = if x.difference.is_significant() { " *" } else { "" };
        table.row_with(
            vec![name.to_string(), fixed(x.a.mean, 4), fixed(x.b.mean, 4), difference],
            significant,
        );
    }
    table.write(&mut out);
    // Lead times and costs per part count a replication that delivered no part as 0: a difference
    // of them then compares a line with one that delivered nothing.
    let undelivered_sides: Vec<String> = c
        .indicators
        .get("throughput_per_hour")
        .map(|x| [(&c.a, &x.a), (&c.b, &x.b)])
        .into_iter()
        .flatten()
        .filter_map(|(name, stat)| {
            let (none, runs) = undelivered(stat);
            (none > 0).then(|| format!("{none} of {name}'s {runs}"))
        })
        .collect();
    if !undelivered_sides.is_empty() {
        let _ = writeln!(
            out,
            "\n  {} replications delivered no part: lead_time_s and cost_per_part count them as 0, \
             so their differences compare a line with one that delivered nothing",
            undelivered_sides.join(" and ")
        );
    }
    if c.replications < 2 {
        let _ = writeln!(
            out,
            "\n  one replication gives no interval, so no difference can be called significant: \
             run at least 2"
        );
    } else {
        let _ = writeln!(out, "\n  * the interval excludes zero: the difference is significant");
    }
    out
}

/// Parses `--threads`: a whole number from 0 (all cores) to the runtime's limit.
pub fn parse_threads(text: &str) -> Result<usize, String> {
    let max = fab_runtime::experiment::MAX_THREADS;
    let threads: usize = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number of threads (0 uses all cores)"))?;
    if threads > max {
        return Err(format!(
            "{threads} threads is more than the {max} fab starts at most (0 uses all cores)"
        ));
    }
    Ok(threads)
}

/// Parses `--seed`: a whole number up to 2⁵³ − 1, the bound a model's `seed` has (E0205), so
/// that the seed in the results document reads back exactly wherever JSON numbers are doubles.
pub fn parse_seed(text: &str) -> Result<u64, String> {
    let max = fab_compiler::eval::MAX_WHOLE_NUMBER as u64;
    let seed: u64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a seed: seeds are whole numbers from 0 to {max}"))?;
    if seed > max {
        return Err(format!(
            "{seed} is larger than the largest seed, {max} (2^53 - 1), as in a model's `seed`: \
             a larger one would not read back exactly from the results document"
        ));
    }
    Ok(seed)
}

/// Parses `30d`, `8 h`, `90 min`, `3600` (seconds), `1e3 h` with the language's numbers and time
/// units.
pub fn parse_duration(text: &str) -> Result<f64, String> {
    let text = text.trim();
    let (number, unit) = text.split_at(number_length(text));
    let not_a_duration = || format!("`{text}` is not a duration (e.g. `30d`, `8 h`, `3600`)");
    let value: f64 = number.replace('_', "").parse().map_err(|_| not_a_duration())?;
    if unit.trim_start().starts_with(|c: char| !c.is_alphabetic()) {
        return Err(not_a_duration());
    }
    let scale = match unit.trim() {
        "" => fab_stdlib::units::Scale::ONE,
        unit => match fab_stdlib::units::lookup(unit) {
            Some(decl) if decl.dimension == fab_stdlib::units::Dimension::TIME => decl.scale,
            _ => return Err(format!("`{unit}` is not a unit of time (s, min, h, d, …)")),
        },
    };
    // From the exact decimal, rounded once, as a model's numbers are.
    let seconds = scale.decimal_to_si(number).unwrap_or(scale.to_si(value));
    // What is written is 0 only if its digits before the exponent are: `1e-400` reads as 0, and
    // `-1e-400` as minus zero, which is not below zero, yet is written below it.
    let written_zero = number
        .bytes()
        .take_while(|b| !matches!(b, b'e' | b'E'))
        .all(|b| !(b'1'..=b'9').contains(&b));
    if !seconds.is_finite() || (number.starts_with('-') && !written_zero) {
        return Err(format!("`{text}` is not a non-negative duration"));
    }
    // `-0` is 0, as in a model (`warmup = -0 s`): without its sign, which messages and the
    // document would show.
    if written_zero {
        return Ok(0.0);
    }
    // As in a model (E0002 for a literal, E0205 for a conversion): a duration other than 0 must
    // stay a normal number, in seconds too, or digits are lost or it turns into 0 on the way.
    if value < f64::MIN_POSITIVE || seconds < f64::MIN_POSITIVE {
        return Err(format!(
            "`{text}` is too close to zero to represent (below about 2.2e-308 s); write 0 for none"
        ));
    }
    let longest = fab_runtime::time::longest_run_s();
    if seconds > longest {
        return Err(format!(
            "`{text}` is longer than the longest run, {:.0} h (about 292 years of nanoseconds)",
            (longest / 3600.0).floor()
        ));
    }
    Ok(seconds)
}

/// The length of the number at the start of `text`, written as in the language (`42`, `3.5`,
/// `1_000`, `2.5e6`, `1e-3`), with a sign: an `e` followed by digits is an exponent, not a unit.
fn number_length(text: &str) -> usize {
    let bytes = text.as_bytes();
    let digits = |mut at: usize| {
        while bytes.get(at).is_some_and(|b| b.is_ascii_digit() || *b == b'_') {
            at += 1;
        }
        at
    };
    let mut end = digits(usize::from(matches!(bytes.first(), Some(b'+' | b'-'))));
    if bytes.get(end) == Some(&b'.') {
        end = digits(end + 1);
    }
    if matches!(bytes.get(end), Some(b'e' | b'E')) {
        let exponent = end + 1 + usize::from(matches!(bytes.get(end + 1), Some(b'+' | b'-')));
        if bytes.get(exponent).is_some_and(u8::is_ascii_digit) {
            end = digits(exponent);
        }
    }
    end
}

#[cfg(test)]
mod tests {
    use super::{fixed, hours_cell, parse_duration, pm, signed_fixed};
    use fab_runtime::results::Stat;

    /// A short stop is not shown as no stop: 80 s of downtime read `0.0` hours in the maintenance
    /// table while the document said 80 s.
    #[test]
    fn hours_in_a_table_keep_a_short_time_visible() {
        let cells: Vec<String> =
            [0.0, 80.0, 1.0, 0.1, 180.0, 36_000.0, 3.6e9].into_iter().map(hours_cell).collect();
        assert_eq!(cells, ["0.0", "0.022", "0.00028", "2.8e-5", "0.1", "10.0", "1000000.0"]);
        assert!(cells.iter().take(6).all(|cell| cell.len() <= 7), "{cells:?}");
    }

    /// A value that rounds to zero prints without a sign: `-0.0000` read as a negative
    /// difference, in a comparison's table.
    #[test]
    fn numbers_that_round_to_zero_have_no_sign() {
        assert_eq!(fixed(-0.00001, 4), "0.0000");
        assert_eq!(fixed(-0.0, 2), "0.00");
        assert_eq!(fixed(-0.006, 2), "-0.01");
        assert_eq!(signed_fixed(-0.00001, 4, true), "0.0000");
        assert_eq!(signed_fixed(0.0, 4, true), "0.0000");
        assert_eq!(signed_fixed(0.00006, 4, true), "+0.0001");
        assert_eq!(signed_fixed(-2.5, 1, true), "-2.5");
        let stat = Stat { mean: -1e-9, half_width: 0.0, values: vec![-1e-9, -1e-9] };
        assert_eq!(pm(&stat, 2), "0.00 ± 0.00");
    }

    #[test]
    fn durations_are_read_with_the_languages_numbers() {
        for (text, seconds) in [
            ("3600", 3600.0),
            ("1e3", 1000.0),
            ("2.5E1 h", 90_000.0),
            ("1e-3h", 3.6),
            ("1_000 s", 1000.0),
            ("30d", 2_592_000.0),
            ("1.5 min", 90.0),
            ("0", 0.0),
            ("0 ms", 0.0),
            ("2 ms", 0.002),
            // From the exact decimal, rounded once: 1.1 × 3600 in doubles is 3960.0000000000005.
            ("1.1 h", 3960.0),
            ("8.2 ms", 0.0082),
            ("0.7 d", 60_480.0),
        ] {
            assert_eq!(parse_duration(text), Ok(seconds), "{text}");
        }
        for (text, message) in [
            ("3 e3", "`e3` is not a unit of time"),
            ("1e", "`e` is not a unit of time"),
            ("1,5h", "is not a duration"),
            ("abc", "is not a duration"),
            ("-2d", "not a non-negative duration"),
            ("1e-310", "too close to zero to represent"),
            ("1e-306 ms", "too close to zero to represent"),
            ("1e-400 h", "too close to zero to represent"),
        ] {
            let error = parse_duration(text).unwrap_err();
            assert!(error.contains(message), "{text}: {error}");
        }
        // `-0` is 0, as in a model, and reads back without a sign; below zero, however close to
        // it, is refused.
        for text in ["-0", "-0 h", "-0.0e5 s", "+0"] {
            assert!(parse_duration(text).is_ok_and(|s| s == 0.0 && s.is_sign_positive()), "{text}");
        }
        for text in ["-1e-400 h", "-0.001"] {
            let error = parse_duration(text).unwrap_err();
            assert!(error.contains("not a non-negative duration"), "{text}: {error}");
        }
        // The smallest durations that stay normal numbers in seconds are taken.
        assert!(parse_duration("1e-300 ms").is_ok_and(|s| s > 0.0));
        assert!(parse_duration("3e-308").is_ok_and(|s| s > 0.0));
    }
}
