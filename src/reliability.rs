//! `fab reliability`: from failure records to failure laws. Reads an event log (or a table of
//! lives, or the Azure predictive-maintenance files as they are), cuts it into right-censored
//! lives per asset and failure mode, and reports per group MTBF, MTTR and availability, Weibull
//! (2- and 3-parameter), exponential and lognormal fits ranked by AIC, the B10 life, whether the
//! failure rate increases, and the `failure { … }` block to paste; optionally as JSON, and with a
//! Weibull probability plot and hazard plots as SVG. `docs/reliability.md` is the user's page.
//!
//! The statistics are `fab_stdlib::fit` (the fits) and `fab_stdlib::fit::reliability` (lives,
//! MTBF, quantile lives, the shape test, plotting positions); the pictures are
//! `fab_runtime::chart`. This module reads the files, groups, prints and writes. Exit codes: 0
//! reported, 1 a bad row in the data, 2 a usage or IO error (unreadable file, missing column,
//! unknown option value).

use fab_compiler::data::{observations, split};
use fab_runtime::chart::{Chart, PALETTE, Series};
use fab_stdlib::fit::reliability::{
    self, Ending, Estimate, Event, EventKind, Life, Repair, ShapeTest, Window,
};
use fab_stdlib::fit::significant;
use fab_stdlib::fit::{self, Criterion, Family, Fit, FitOptions, Observation, Ranking, Sample};
use fab_stdlib::units::{self, Dimension};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What `fab reliability` was asked.
pub struct Options {
    pub input: String,
    pub format: Option<String>,
    pub asset: String,
    pub mode: String,
    pub time: Option<String>,
    pub event: String,
    pub repair: Option<String>,
    pub life: Option<String>,
    pub status: Option<String>,
    pub unit: String,
    pub since: Option<String>,
    pub until: Option<String>,
    pub by: Vec<String>,
    pub level: f64,
    pub plot: Option<String>,
    pub json: bool,
}

/// The families every group is fitted to.
const FAMILIES: [Family; 4] =
    [Family::Weibull, Family::Weibull3, Family::Exponential, Family::Lognormal];
/// The families a repair law is chosen from.
const REPAIR_FAMILIES: [Family; 4] =
    [Family::Lognormal, Family::Exponential, Family::Weibull, Family::Gamma];
/// More groups than this, and the text report shows the summary table only.
const DETAILED_GROUPS: usize = 12;
/// More (asset, mode) pairs than this, and the default grouping pools assets (`--by mode`).
const PAIRS_SHOWN: usize = 20;
/// The Azure PdM failure log covers 2015: maintenance rows before it only say when a component
/// was last replaced.
const AZURE_FAILURES_FROM: &str = "2015-01-01 00:00:00";

type Failed = (u8, String);

fn usage(message: impl Into<String>) -> Failed {
    (2, format!("error: {}", message.into()))
}

pub fn run(options: Options) -> ExitCode {
    match report(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, message)) => {
            eprintln!("{message}");
            ExitCode::from(code)
        }
    }
}

/// The input as lives, with what is known about it.
struct Loaded {
    /// How the input was read: `event log`, `azure-pdm`, `lives`.
    format: &'static str,
    lives: Vec<Life>,
    repairs: Vec<Repair>,
    /// Each asset's model, when the input says (Azure's `PdM_machines.csv`).
    models: BTreeMap<String, String>,
    /// Rows read, by file or kind, for the header line.
    rows: Vec<(String, usize)>,
    /// Where observation ended, as the input writes times.
    until: Option<String>,
    /// How the input was mapped, in sentences.
    notes: Vec<String>,
    /// Whether the input can record repairs at all.
    repairs_recorded: bool,
}

fn report(options: &Options) -> Result<(), Failed> {
    if !(options.level > 0.0 && options.level < 1.0) {
        return Err(usage(format!("`--level` must be between 0 and 1, not {}", options.level)));
    }
    let format = match options.format.as_deref() {
        Some("events") => Format::Events,
        Some("azure-pdm") => Format::AzurePdm,
        Some("lives") => Format::Lives,
        Some(other) => {
            return Err(usage(format!(
                "`{other}` is not an input format: use `events`, `lives` or `azure-pdm`"
            )));
        }
        None => detect(options),
    };
    // A table of lives may be in any unit, or a word that is not one (`Mrev`): it only labels.
    let unit_dimension = match fab_unit(&options.unit) {
        Err(_) if format == Format::Lives => Dimension::NONE,
        other => other?,
    };
    if format != Format::Lives && unit_dimension != Dimension::TIME {
        return Err(usage(format!(
            "`--unit {}` is not a unit of time; an event log's lives are durations (`h`, `d`, …)",
            options.unit
        )));
    }
    let loaded = match format {
        Format::Events => read_events(options)?,
        Format::AzurePdm => read_azure(options)?,
        Format::Lives => read_lives(options)?,
    };
    let keys = grouping(options, &loaded, format)?;
    let groups = analyse(&loaded, &keys, options.level, unit_dimension == Dimension::TIME, options);
    let context = Context {
        options,
        loaded: &loaded,
        keys: &keys,
        is_time: unit_dimension == Dimension::TIME,
    };

    let mut written = Vec::new();
    if let Some(dir) = &options.plot {
        std::fs::create_dir_all(dir).map_err(|e| usage(format!("cannot create `{dir}`: {e}")))?;
        for group in groups.iter().filter(|g| g.fitted.is_some()) {
            for (name, svg) in plots(group, &options.unit) {
                let path = Path::new(dir).join(name);
                std::fs::write(&path, svg)
                    .map_err(|e| usage(format!("cannot write `{}`: {e}", path.display())))?;
                written.push(path.display().to_string());
            }
        }
    }
    if options.json {
        let mut text = serde_json::to_string_pretty(&json_document(&context, &groups, &written))
            .unwrap_or_default();
        text.push('\n');
        crate::fit::write_stdout(&text);
    } else {
        crate::fit::write_stdout(&text_report(&context, &groups));
        if !written.is_empty() {
            eprintln!("wrote {} plots to {}", written.len(), options.plot.as_deref().unwrap_or(""));
        }
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Events,
    AzurePdm,
    Lives,
}

/// `azure-pdm` for a folder holding `PdM_failures.csv` or a file named `PdM_*.csv`, `lives` when
/// `--life` is given, else an event log.
fn detect(options: &Options) -> Format {
    let path = Path::new(&options.input);
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if (path.is_dir() && path.join("PdM_failures.csv").is_file())
        || (name.starts_with("PdM_") && name.ends_with(".csv"))
    {
        Format::AzurePdm
    } else if options.life.is_some() {
        Format::Lives
    } else {
        Format::Events
    }
}

/// The dimension of `--unit`.
fn fab_unit(unit: &str) -> Result<Dimension, Failed> {
    crate::fit::parse_unit(unit).map_err(usage)
}

/// Seconds in one `unit` (a single time unit's name).
fn seconds_per(unit: &str) -> f64 {
    units::lookup(unit.trim()).map(|u| u.to_si).unwrap_or(1.0)
}

/// A CSV file's header and rows: `(row number counting the header as row 1, cells)`.
struct Table {
    file: String,
    columns: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    fn read(file: &str) -> Result<Table, Failed> {
        let text = std::fs::read_to_string(file)
            .map_err(|e| usage(format!("cannot read `{file}`: {e}")))?;
        let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
        let Some((_, header)) = lines.next() else {
            return Err(usage(format!("`{file}` is empty: it needs a header line")));
        };
        let columns = split(header).into_iter().map(str::to_string).collect();
        let rows = lines
            .map(|(i, line)| (i + 1, split(line).into_iter().map(str::to_string).collect()))
            .collect();
        Ok(Table { file: file.to_string(), columns, rows })
    }

    /// The index of column `name`, or a usage error listing the columns.
    fn column(&self, name: &str, option: &str) -> Result<usize, Failed> {
        self.columns.iter().position(|c| c == name).ok_or_else(|| {
            usage(format!(
                "{}: no column named `{name}`\n  help: the columns are {}; name the right one \
                 with `{option}`",
                self.file,
                self.columns.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
            ))
        })
    }

    fn has(&self, name: &str) -> bool {
        self.columns.iter().any(|c| c == name)
    }

    /// A data error at `row`.
    fn error(&self, row: usize, message: String, help: &str) -> Failed {
        (1, format!("error: {}, row {row}: {message}\n  help: {help}", self.file))
    }
}

/// How a time column is written.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Clock {
    /// ISO 8601 date-times, read as seconds since 1970-01-01 (UTC, no leap seconds).
    Timestamp,
    /// Plain numbers in `--unit`.
    Number,
}

/// Reads a time cell as a number in `unit`.
fn read_time(cell: &str, clock: Clock, unit: &str) -> Result<f64, String> {
    match clock {
        Clock::Number => match cell.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(format!("`{cell}` is not a number (the time column holds numbers)")),
        },
        Clock::Timestamp => {
            parse_timestamp(cell).map(|seconds| seconds / seconds_per(unit)).ok_or_else(|| {
                format!(
                    "`{cell}` is not a date-time like `2015-01-05 06:00:00` or `2015-01-05T06:00Z`"
                )
            })
        }
    }
}

/// Seconds since 1970-01-01 00:00 of `YYYY-MM-DD`, optionally followed by `T` or a space and
/// `HH:MM`, `HH:MM:SS` or `HH:MM:SS.fff`, optionally ending in `Z`. Time zones other than UTC are
/// not read.
fn parse_timestamp(text: &str) -> Option<f64> {
    let text = text.trim();
    let text = text.strip_suffix('Z').unwrap_or(text);
    let (date, time) = match text.find(['T', ' ']) {
        Some(at) => (&text[..at], Some(text[at + 1..].trim())),
        None => (text, None),
    };
    let mut parts = date.split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1..=12).contains(&month) || date.len() != 10 {
        return None;
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=days_in_month[month as usize - 1]).contains(&day) {
        return None;
    }
    let mut seconds = 0.0;
    if let Some(time) = time {
        let mut fields = time.split(':');
        let hours: u32 = fields.next()?.parse().ok()?;
        let minutes: u32 = fields.next()?.parse().ok()?;
        let secs: f64 = match fields.next() {
            Some(s) => s.parse().ok()?,
            None => 0.0,
        };
        if fields.next().is_some() || hours > 23 || minutes > 59 || !(0.0..60.0).contains(&secs) {
            return None;
        }
        seconds = f64::from(hours * 3600 + minutes * 60) + secs;
    }
    Some(days_from_civil(year, month, day) as f64 * 86_400.0 + seconds)
}

/// Days since 1970-01-01 of a date of the proleptic Gregorian calendar (Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let m = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * m + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The words an event cell may hold.
fn event_kind(word: &str) -> Option<EventKind> {
    match word.to_ascii_lowercase().as_str() {
        "failure" | "failed" | "fail" => Some(EventKind::Failure),
        "maintenance" | "preventive" | "pm" => Some(EventKind::Maintenance),
        "censored" | "end" | "suspended" => Some(EventKind::Censored),
        "repaired" | "repair_end" => Some(EventKind::RepairEnd),
        _ => None,
    }
}

const EVENT_HELP: &str = "An event is `failure`, `maintenance` (preventive: renews the mode), \
                          `censored` (end of observation) or `repaired` (the end of the last \
                          failure's repair).";

fn read_events(options: &Options) -> Result<Loaded, Failed> {
    let table = Table::read(&options.input)?;
    let asset = table.column(&options.asset, "--asset")?;
    // Without a mode column every event is one mode, called `failure`.
    let mode = if options.mode == "mode" && !table.has("mode") {
        None
    } else {
        Some(table.column(&options.mode, "--mode")?)
    };
    let time_name = match &options.time {
        Some(name) => name.clone(),
        None if table.has("timestamp") => "timestamp".to_string(),
        None => "time".to_string(),
    };
    let time = table.column(&time_name, "--time")?;
    let event = table.column(&options.event, "--event")?;
    let repair = match &options.repair {
        Some(name) => Some(table.column(name, "--repair")?),
        None => table.columns.iter().position(|c| c == "repair"),
    };
    let clock = match table.rows.first().map(|(_, cells)| cell(cells, time)) {
        Some(first) if first.parse::<f64>().is_ok() => Clock::Number,
        _ => Clock::Timestamp,
    };
    let bound = |text: &Option<String>, option: &str| -> Result<Option<f64>, Failed> {
        text.as_deref()
            .map(|t| {
                read_time(t, clock, &options.unit).map_err(|m| usage(format!("{option}: {m}")))
            })
            .transpose()
    };
    let window = Window {
        since: bound(&options.since, "--since")?,
        until: bound(&options.until, "--until")?,
    };
    let mut events = Vec::new();
    let mut latest: Option<(f64, String)> = None;
    for (row, cells) in &table.rows {
        let row = *row;
        let name = cell(cells, asset);
        if name.is_empty() {
            return Err(table.error(
                row,
                format!("column `{}` is empty", options.asset),
                "Every event names its asset.",
            ));
        }
        let time_cell = cell(cells, time);
        let t = read_time(time_cell, clock, &options.unit).map_err(|m| {
            table.error(
                row,
                format!("column `{time_name}`: {m}"),
                "Every event has a time, written like the first row's.",
            )
        })?;
        let word = cell(cells, event);
        let kind = event_kind(word).ok_or_else(|| {
            table.error(
                row,
                format!("column `{}`: `{word}` is not an event", options.event),
                EVENT_HELP,
            )
        })?;
        let repair_time = match repair.map(|r| cell(cells, r)).filter(|c| !c.is_empty()) {
            None => None,
            Some(text) => match text.parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => Some(v),
                _ => {
                    return Err(table.error(
                        row,
                        format!("the repair duration `{text}` is not a number at or above 0"),
                        &format!("A repair duration is a number in `--unit` ({}).", options.unit),
                    ));
                }
            },
        };
        if latest.as_ref().is_none_or(|(l, _)| t > *l) {
            latest = Some((t, time_cell.to_string()));
        }
        events.push(Event {
            asset: name.to_string(),
            mode: mode.map(|m| cell(cells, m).to_string()).unwrap_or_else(|| "failure".to_string()),
            time: t,
            kind,
            repair: repair_time,
            row,
        });
    }
    let read = reliability::lives(&events, window).map_err(|e| {
        table.error(e.row, e.message, "A `repaired` event follows the failure it ends.")
    })?;
    let until = options.until.clone().or(latest.map(|(_, text)| text));
    let mut notes = Vec::new();
    if read.ignored > 0 {
        notes.push(format!("{} events outside --since/--until were not read", read.ignored));
    }
    Ok(Loaded {
        format: "event log",
        lives: read.lives,
        repairs: read.repairs,
        models: BTreeMap::new(),
        rows: vec![("events".to_string(), table.rows.len())],
        until,
        notes,
        repairs_recorded: true,
    })
}

fn cell(cells: &[String], index: usize) -> &str {
    cells.get(index).map(String::as_str).unwrap_or("")
}

/// The Azure predictive-maintenance files, read as they are (see `docs/reliability.md`).
fn read_azure(options: &Options) -> Result<Loaded, Failed> {
    let input = Path::new(&options.input);
    let folder: PathBuf = if input.is_dir() {
        input.to_path_buf()
    } else {
        input.parent().unwrap_or(Path::new(".")).to_path_buf()
    };
    let path = |name: &str| folder.join(name).display().to_string();
    let failures = Table::read(&path("PdM_failures.csv"))?;
    let maint = Table::read(&path("PdM_maint.csv"))?;
    let unit = &options.unit;
    let start = parse_timestamp(options.since.as_deref().unwrap_or(AZURE_FAILURES_FROM))
        .ok_or_else(|| usage("--since: not a date-time like `2015-01-01 00:00:00`"))?
        / seconds_per(unit);
    let until = options
        .until
        .as_deref()
        .map(|t| {
            parse_timestamp(t)
                .map(|s| s / seconds_per(unit))
                .ok_or_else(|| usage("--until: not a date-time"))
        })
        .transpose()?;

    let mut events = Vec::new();
    let mut latest: Option<(f64, String)> = None;
    read_azure_table(&failures, "failure", EventKind::Failure, unit, &mut events, &mut latest)?;
    let failure_count = events.len();
    read_azure_table(&maint, "comp", EventKind::Maintenance, unit, &mut events, &mut latest)?;

    // Maintenance rows before the failure log starts only date the last replacement: keep the
    // latest per (machine, component) as the start of its first life.
    let mut last_before: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (i, e) in events.iter().enumerate() {
        if e.kind == EventKind::Maintenance && e.time < start {
            let key = (e.asset.clone(), e.mode.clone());
            if last_before.get(&key).is_none_or(|&j| events[j].time <= e.time) {
                last_before.insert(key, i);
            }
        }
    }
    let kept: std::collections::BTreeSet<usize> = last_before.values().copied().collect();
    let before =
        events.iter().filter(|e| e.kind == EventKind::Maintenance && e.time < start).count();
    let mut index = 0;
    events.retain(|e| {
        let keep = !(e.kind == EventKind::Maintenance && e.time < start) || kept.contains(&index);
        index += 1;
        keep
    });
    let at_failure = {
        let failures: std::collections::BTreeSet<(&str, &str, u64)> = events
            .iter()
            .filter(|e| e.kind == EventKind::Failure)
            .map(|e| (e.asset.as_str(), e.mode.as_str(), e.time.to_bits()))
            .collect();
        events
            .iter()
            .filter(|e| {
                e.kind == EventKind::Maintenance
                    && failures.contains(&(e.asset.as_str(), e.mode.as_str(), e.time.to_bits()))
            })
            .count()
    };
    let read = reliability::lives(&events, Window { since: None, until })
        .map_err(|e| usage(format!("{}: {}", options.input, e.message)))?;

    let mut models = BTreeMap::new();
    let machines_path = path("PdM_machines.csv");
    let mut rows = vec![
        ("PdM_failures.csv".to_string(), failures.rows.len()),
        ("PdM_maint.csv".to_string(), maint.rows.len()),
    ];
    if Path::new(&machines_path).is_file() {
        let machines = Table::read(&machines_path)?;
        let (id, model) =
            (machines.column("machineID", "--format")?, machines.column("model", "--format")?);
        for (_, cells) in &machines.rows {
            models.insert(cell(cells, id).to_string(), cell(cells, model).to_string());
        }
        rows.push(("PdM_machines.csv".to_string(), machines.rows.len()));
    }
    let notes = vec![
        format!(
            "asset = machineID, mode = component; {failure_count} failures, of which {at_failure} \
             have a maintenance row at the same time (their replacement, not a preventive \
             renewal) and {} have none",
            failure_count - at_failure
        ),
        format!(
            "{before} maintenance rows before {} only date the last replacement: the latest per \
             machine and component starts its first life, the other {} are not read",
            options.since.as_deref().unwrap_or(AZURE_FAILURES_FROM),
            before - kept.len()
        ),
        "the files record no repair durations: MTTR and availability are unavailable".to_string(),
    ];
    Ok(Loaded {
        format: "azure-pdm",
        lives: read.lives,
        repairs: read.repairs,
        models,
        rows,
        until: options.until.clone().or(latest.map(|(_, t)| t)),
        notes,
        repairs_recorded: false,
    })
}

/// The events of one Azure PdM table (`datetime`, `machineID`, and the component column), with the
/// latest date-time seen.
fn read_azure_table(
    table: &Table,
    component: &str,
    kind: EventKind,
    unit: &str,
    events: &mut Vec<Event>,
    latest: &mut Option<(f64, String)>,
) -> Result<(), Failed> {
    let (when, machine, what) = (
        table.column("datetime", "--format")?,
        table.column("machineID", "--format")?,
        table.column(component, "--format")?,
    );
    for (row, cells) in &table.rows {
        let text = cell(cells, when);
        let t = read_time(text, Clock::Timestamp, unit).map_err(|m| {
            table.error(
                *row,
                format!("column `datetime`: {m}"),
                "Each row starts with its date-time.",
            )
        })?;
        let (machine, mode) = (cell(cells, machine), cell(cells, what));
        if machine.is_empty() || mode.is_empty() {
            return Err(table.error(
                *row,
                "the machine or the component is empty".into(),
                "Each row names a machine and a component.",
            ));
        }
        if latest.as_ref().is_none_or(|(l, _)| t > *l) {
            *latest = Some((t, text.to_string()));
        }
        events.push(Event {
            asset: machine.into(),
            mode: mode.into(),
            time: t,
            kind,
            repair: None,
            row: *row,
        });
    }
    Ok(())
}

/// A table of lives: one row per life with its length and a status (`fab fit --censored`'s form).
fn read_lives(options: &Options) -> Result<Loaded, Failed> {
    let file = &options.input;
    let text =
        std::fs::read_to_string(file).map_err(|e| usage(format!("cannot read `{file}`: {e}")))?;
    let Some(column) = &options.life else {
        return Err(usage("the lives form needs `--life COLUMN`, the column of life lengths"));
    };
    let read = observations(&text, column, options.status.as_deref()).map_err(|problem| {
        let code = if problem.message.starts_with("no column") { 2 } else { 1 };
        (code, format!("error: {file}: {}\n  help: {}", problem.message, problem.help))
    })?;
    let lives = read
        .iter()
        .enumerate()
        .map(|(i, o): (usize, &Observation)| Life {
            asset: format!("{}", i + 1),
            mode: String::new(),
            start: 0.0,
            end: o.value,
            ending: if o.censored { Ending::Censored } else { Ending::Failure },
        })
        .collect();
    Ok(Loaded {
        format: "lives",
        lives,
        repairs: Vec::new(),
        models: BTreeMap::new(),
        rows: vec![("lives".to_string(), read.len())],
        until: None,
        notes: Vec::new(),
        repairs_recorded: false,
    })
}

/// The grouping keys: `--by`, or `asset, mode` for a log of up to 20 pairs and `mode` beyond.
fn grouping(options: &Options, loaded: &Loaded, format: Format) -> Result<Vec<String>, Failed> {
    if format == Format::Lives {
        return Ok(Vec::new());
    }
    let mut keys: Vec<String> =
        options.by.iter().map(|k| k.trim().to_string()).filter(|k| !k.is_empty()).collect();
    if keys.is_empty() {
        let pairs: std::collections::BTreeSet<(&str, &str)> =
            loaded.lives.iter().map(|l| (l.asset.as_str(), l.mode.as_str())).collect();
        keys = if pairs.len() <= PAIRS_SHOWN {
            vec!["asset".into(), "mode".into()]
        } else {
            vec!["mode".into()]
        };
    }
    for key in &keys {
        match key.as_str() {
            "asset" | "mode" => {}
            "model" if !loaded.models.is_empty() => {}
            "model" => {
                return Err(usage(
                    "`--by model` needs each asset's model, which only the azure-pdm input has \
                     (from PdM_machines.csv)",
                ));
            }
            other => {
                return Err(usage(format!(
                    "`--by {other}`: group by `asset`, `mode` or `model`, e.g. `--by model,mode`"
                )));
            }
        }
    }
    Ok(keys)
}

/// One group's lives and what they say.
struct Group {
    /// The key's values, in the order of the keys.
    key: Vec<String>,
    lives: usize,
    failures: usize,
    by_maintenance: usize,
    at_end: usize,
    assets: usize,
    total_time: f64,
    mtbf: Option<Estimate>,
    /// `(mean, half-width)` of the repair durations and their number.
    mttr: Option<(f64, f64, usize)>,
    availability: Option<f64>,
    /// The sample and its fits, when there are enough failures.
    fitted: Option<Fitted>,
    /// Why nothing was fitted.
    unfitted: Option<String>,
    repair_law: Option<String>,
    warnings: Vec<String>,
    /// The `failure { … }` block.
    block: Option<String>,
}

struct Fitted {
    sample: Sample,
    ranking: Ranking,
    b10_weibull: Option<Estimate>,
    b10_best: Estimate,
    shape: Option<ShapeTest>,
}

impl Group {
    fn name(&self) -> String {
        if self.key.is_empty() { "all".to_string() } else { self.key.join(" / ") }
    }

    fn censored(&self) -> usize {
        self.lives - self.failures
    }
}

fn analyse(
    loaded: &Loaded,
    keys: &[String],
    level: f64,
    is_time: bool,
    options: &Options,
) -> Vec<Group> {
    let key_of = |asset: &str, mode: &str| -> Vec<String> {
        keys.iter()
            .map(|k| match k.as_str() {
                "asset" => asset.to_string(),
                "mode" => mode.to_string(),
                _ => loaded.models.get(asset).cloned().unwrap_or_else(|| "unknown".to_string()),
            })
            .collect()
    };
    let mut lives: BTreeMap<Vec<String>, Vec<&Life>> = BTreeMap::new();
    for life in &loaded.lives {
        lives.entry(key_of(&life.asset, &life.mode)).or_default().push(life);
    }
    let mut repairs: BTreeMap<Vec<String>, Vec<f64>> = BTreeMap::new();
    for repair in &loaded.repairs {
        repairs.entry(key_of(&repair.asset, &repair.mode)).or_default().push(repair.duration);
    }
    lives
        .into_iter()
        .map(|(key, list)| {
            let durations = repairs.get(&key).cloned().unwrap_or_default();
            group(key, &list, &durations, loaded, level, is_time, options)
        })
        .collect()
}

fn group(
    key: Vec<String>,
    list: &[&Life],
    durations: &[f64],
    loaded: &Loaded,
    level: f64,
    is_time: bool,
    options: &Options,
) -> Group {
    let unit = options.unit.trim();
    let failures = list.iter().filter(|l| !l.censored()).count();
    let total_time: f64 = list.iter().map(|l| l.length()).sum();
    let assets: std::collections::BTreeSet<&str> = list.iter().map(|l| l.asset.as_str()).collect();
    let mtbf = reliability::mtbf(total_time, failures, level);
    let mttr = (!durations.is_empty()).then(|| {
        let (mean, half) = fab_runtime::stats::mean_half_width(durations, level);
        (mean, half, durations.len())
    });
    let availability = match (mtbf, mttr) {
        (Some(m), Some((r, _, _))) if m.value + r > 0.0 => Some(m.value / (m.value + r)),
        _ => None,
    };
    let mut warnings = Vec::new();
    let observations: Vec<Observation> =
        list.iter().map(|l| Observation { value: l.length(), censored: l.censored() }).collect();
    let sample = if failures < fit::MINIMUM_FAILURES {
        Err(format!(
            "{} a law needs at least {}",
            plural(failures, "failure"),
            fit::MINIMUM_FAILURES
        ))
    } else {
        Sample::new(&observations).map_err(|e| e.to_string())
    };
    let (fitted, unfitted) = match sample {
        Err(error) => (None, Some(error)),
        Ok(sample) => {
            let ranking = fit::fit_all(
                &sample,
                &FitOptions {
                    families: FAMILIES.to_vec(),
                    non_negative: true,
                    criterion: Criterion::Aic,
                },
            );
            match ranking.best().cloned() {
                None => (None, Some("no family could be fitted".to_string())),
                Some(best) => {
                    let find = |f: Family| ranking.fits.iter().find(|fit| fit.family == f);
                    let b10_weibull = find(Family::Weibull)
                        .and_then(|w| reliability::weibull_quantile_life(&sample, w, 0.1, level));
                    let shape = match (find(Family::Weibull), find(Family::Exponential)) {
                        (Some(w), Some(e)) => reliability::shape_test(w, e, level),
                        _ => None,
                    };
                    let b10_best = reliability::quantile_life(&best, 0.1, level);
                    (Some(Fitted { sample, ranking, b10_weibull, b10_best, shape }), None)
                }
            }
        }
    };
    if let Some(reason) = &unfitted {
        warnings.push(format!("no law fitted: {reason}"));
    } else if failures < 10 {
        warnings.push(format!(
            "only {failures} failures: the 3-parameter Weibull needs 10, and the intervals are wide"
        ));
    }
    if let Some(f) = &fitted {
        warnings.extend(
            f.ranking
                .warnings
                .iter()
                .filter(|w| !matches!(w, fit::FitWarning::SmallSample { .. }) || failures >= 10)
                .map(|w| w.message()),
        );
    }
    let repair_law = repair_law(durations, unit);
    let mut group = Group {
        key,
        lives: list.len(),
        failures,
        by_maintenance: list.iter().filter(|l| l.ending == Ending::Maintenance).count(),
        at_end: list.iter().filter(|l| l.ending == Ending::Censored).count(),
        assets: assets.len(),
        total_time,
        mtbf,
        mttr,
        availability,
        fitted,
        unfitted,
        repair_law,
        warnings,
        block: None,
    };
    if is_time {
        group.block = failure_block(&group, loaded, unit);
    }
    group
}

/// The repair law to paste: the best of lognormal, exponential, Weibull and gamma by AIC for 3 or
/// more varying durations, else their mean as a constant; `None` without repairs.
fn repair_law(durations: &[f64], unit: &str) -> Option<String> {
    if durations.is_empty() {
        return None;
    }
    let sample = Sample::complete(durations).ok().filter(|s| s.failures()[0] > 0.0);
    if let Some(sample) = sample {
        let ranking = fit::fit_all(
            &sample,
            &FitOptions {
                families: REPAIR_FAMILIES.to_vec(),
                non_negative: true,
                criterion: Criterion::Aic,
            },
        );
        if let Some(best) = ranking.best() {
            return Some(best.expression(unit));
        }
    }
    let mean = durations.iter().sum::<f64>() / durations.len() as f64;
    Some(format!("{} {unit}", significant(mean, 4)))
}

/// The mode's name as a `.fab` identifier: letters, digits and `_`, not starting with a digit, not
/// a keyword.
fn identifier(mode: &str) -> String {
    let mut name: String = mode
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' })
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "mode_");
    }
    let lexed = fab_grammar::lexer::lex(&name, &|_| false);
    if !matches!(lexed.tokens.as_slice(), [(_, fab_grammar::lexer::Token::Ident(_), _)]) {
        name.push_str("_mode");
    }
    name
}

/// The `failure NAME { … }` block for a group: the best law by AIC on calendar time, and the repair
/// law when the data have repairs (a comment saying so when not).
fn failure_block(group: &Group, loaded: &Loaded, unit: &str) -> Option<String> {
    let fitted = group.fitted.as_ref()?;
    let best = fitted.ranking.best()?;
    let mode = loaded
        .lives
        .first()
        .map(|_| group.key.last().cloned().unwrap_or_else(|| "wear".to_string()))
        .unwrap_or_default();
    let mode = if loaded.format == "lives" { "wear".to_string() } else { mode };
    let mut out = format!(
        "// {}: {} lives, {} failures, {} censored\nfailure {} {{\n    after = {} of calendar_time\n",
        group.name(),
        group.lives,
        group.failures,
        group.censored(),
        identifier(&mode),
        best.expression(unit)
    );
    match &group.repair_law {
        Some(law) => {
            let _ = writeln!(out, "    repair = {law}");
        }
        None if loaded.repairs_recorded => {
            out.push_str(
                "    // repair: no repair in these data; a failure mode needs one: write it here\n",
            );
        }
        None => {
            out.push_str(
                "    // repair: these data record no repair durations; a failure mode needs one: write it here\n",
            );
        }
    }
    out.push('}');
    Some(out)
}

/// What every part of the report needs to know.
struct Context<'a> {
    options: &'a Options,
    loaded: &'a Loaded,
    keys: &'a [String],
    is_time: bool,
}

impl Context<'_> {
    fn quantity(&self, value: f64) -> String {
        let unit = self.options.unit.trim();
        if value.is_finite() {
            format!("{} {unit}", significant(value, 4))
        } else {
            "–".to_string()
        }
    }

    fn interval(&self, e: &Estimate) -> String {
        if e.low.is_finite() && e.high.is_finite() {
            format!("{} to {}", significant(e.low, 3), self.quantity(e.high))
        } else {
            "no interval".to_string()
        }
    }
}

fn text_report(context: &Context, groups: &[Group]) -> String {
    let mut out = String::new();
    let loaded = context.loaded;
    let unit = context.options.unit.trim();
    let assets: std::collections::BTreeSet<&str> =
        loaded.lives.iter().map(|l| l.asset.as_str()).collect();
    let modes: std::collections::BTreeSet<&str> =
        loaded.lives.iter().map(|l| l.mode.as_str()).collect();
    let failures = loaded.lives.iter().filter(|l| !l.censored()).count();
    let rows: Vec<String> = loaded.rows.iter().map(|(what, n)| format!("{n} {what}")).collect();
    let _ = writeln!(
        out,
        "reliability {} ({}): {}",
        context.options.input,
        loaded.format,
        rows.join(", ")
    );
    let extent = if loaded.format == "lives" {
        String::new()
    } else {
        format!("{} assets, {} modes: {} lives, ", assets.len(), modes.len(), loaded.lives.len())
    };
    let _ = writeln!(
        out,
        "  {extent}{failures} failures, {} censored; lives in {unit}{}",
        loaded.lives.len() - failures,
        loaded.until.as_ref().map(|u| format!("; observed until {u}")).unwrap_or_default()
    );
    for note in &loaded.notes {
        let _ = writeln!(out, "  note: {note}");
    }
    let by = if context.keys.is_empty() {
        "all lives".to_string()
    } else {
        format!("by {}", context.keys.join(", "))
    };
    let _ = writeln!(
        out,
        "\n{} group{} ({by}); {} % confidence intervals\n",
        groups.len(),
        if groups.len() == 1 { "" } else { "s" },
        significant(100.0 * context.options.level, 3)
    );

    let width = groups.iter().map(|g| g.name().chars().count()).max().unwrap_or(5).max(5);
    let _ = writeln!(
        out,
        "  {:<width$} {:>5} {:>5} {:>5}  {:<24} {:<10} {:>7}  {:<12} {:<18} {:<24} failure rate",
        "group",
        "lives",
        "fail",
        "cens",
        "MTBF (CI)",
        "MTTR",
        "avail",
        "best",
        "shape β (CI)",
        "B10 (CI)"
    );
    for group in groups {
        let mtbf = group
            .mtbf
            .map(|m| {
                format!(
                    "{} ({}–{})",
                    significant(m.value, 4),
                    significant(m.low, 3),
                    significant(m.high, 3)
                )
            })
            .unwrap_or_else(|| "–".to_string());
        let mttr =
            group.mttr.map(|(m, _, _)| context.quantity(m)).unwrap_or_else(|| "–".to_string());
        let availability = group
            .availability
            .map(|a| format!("{:.2} %", 100.0 * a))
            .unwrap_or_else(|| "–".to_string());
        let (best, shape, b10, trend) = match &group.fitted {
            None => {
                ("–".to_string(), "–".to_string(), "–".to_string(), "too few failures".to_string())
            }
            Some(f) => {
                let best = f.ranking.best().map(|b| b.family.key().to_string()).unwrap_or_default();
                let shape = f
                    .shape
                    .map(|s| {
                        format!(
                            "{} ({}–{})",
                            significant(s.shape.value, 3),
                            significant(s.shape.low, 3),
                            significant(s.shape.high, 3)
                        )
                    })
                    .unwrap_or_else(|| "–".to_string());
                let b10 = f
                    .b10_weibull
                    .map(|b| {
                        format!(
                            "{} ({}–{})",
                            significant(b.value, 3),
                            significant(b.low, 3),
                            significant(b.high, 3)
                        )
                    })
                    .unwrap_or_else(|| "–".to_string());
                let trend = f
                    .shape
                    .map(|s| format!("{} (p {})", s.trend.key(), p_phrase(s.p_value)))
                    .unwrap_or_else(|| "–".to_string());
                (best, shape, b10, trend)
            }
        };
        let _ = writeln!(
            out,
            "  {:<width$} {:>5} {:>5} {:>5}  {:<24} {:<10} {:>7}  {:<12} {:<18} {:<24} {trend}",
            group.name(),
            group.lives,
            group.failures,
            group.censored(),
            mtbf,
            mttr,
            availability,
            best,
            shape,
            b10
        );
    }
    let _ = writeln!(
        out,
        "\n  MTBF: total time / failures, chi-square interval; B10: 10 % quantile of the Weibull fit, \
         likelihood-ratio interval; failure rate: likelihood-ratio test of Weibull shape 1"
    );
    if groups.len() > DETAILED_GROUPS {
        let _ = writeln!(
            out,
            "\n{} groups: details, fits and failure blocks are in `--json`, or group more coarsely \
             with `--by mode`",
            groups.len()
        );
        return out;
    }
    for group in groups {
        details(&mut out, context, group);
    }
    out
}

fn details(out: &mut String, context: &Context, group: &Group) {
    let level = significant(100.0 * context.options.level, 3);
    let assets = if context.loaded.format == "lives" {
        String::new()
    } else {
        format!(" from {} asset{}", group.assets, if group.assets == 1 { "" } else { "s" })
    };
    let _ = writeln!(
        out,
        "\n{}: {} lives{assets}, {} failure{}, {} censored ({} by maintenance, {} at the end of observation)",
        group.name(),
        group.lives,
        group.failures,
        if group.failures == 1 { "" } else { "s" },
        group.censored(),
        group.by_maintenance,
        group.at_end
    );
    if let Some(m) = group.mtbf {
        let _ = writeln!(
            out,
            "  MTBF {}, {level} % CI {} ({} total time on test)",
            context.quantity(m.value),
            context.interval(&m),
            context.quantity(group.total_time)
        );
    }
    match group.mttr {
        Some((mean, half, n)) => {
            let _ = writeln!(
                out,
                "  MTTR {}{} ({n} repair{}); availability MTBF/(MTBF + MTTR) = {}",
                context.quantity(mean),
                if n > 1 { format!(" ± {}", context.quantity(half)) } else { String::new() },
                if n == 1 { "" } else { "s" },
                group
                    .availability
                    .map(|a| format!("{:.2} %", 100.0 * a))
                    .unwrap_or_else(|| "–".into())
            );
        }
        None if context.loaded.format != "lives" => {
            let _ = writeln!(out, "  MTTR and availability: unavailable (no repair durations)");
        }
        None => {}
    }
    if let Some(f) = &group.fitted {
        let _ = writeln!(
            out,
            "  #  {:<24} {:>10} {:>7} {:>10}  parameters ({level} % CI)",
            "family", "AIC", "ΔAIC", "log L"
        );
        let deltas = f.ranking.deltas();
        for (i, fit) in f.ranking.fits.iter().enumerate() {
            let _ = writeln!(
                out,
                " {:>2}  {:<24} {:>10.2} {:>7.2} {:>10.2}  {}",
                i + 1,
                fit.family.label(),
                fit.aic,
                deltas[i],
                fit.log_likelihood,
                parameters(context, fit)
            );
        }
        for skipped in &f.ranking.skipped {
            let _ =
                writeln!(out, "      {}: not fitted, {}", skipped.family.label(), skipped.reason);
        }
        if let Some(b) = f.b10_weibull {
            let _ = writeln!(
                out,
                "  B10 life (weibull): {}, {level} % CI {} (likelihood ratio)",
                context.quantity(b.value),
                context.interval(&b)
            );
        }
        if let Some(best) = f.ranking.best().filter(|b| b.family != Family::Weibull) {
            let _ = writeln!(
                out,
                "  B10 life ({}, the best): {}, {level} % CI {} (delta method)",
                best.family.label(),
                context.quantity(f.b10_best.value),
                context.interval(&f.b10_best)
            );
        }
        if let Some(s) = f.shape {
            let _ = writeln!(
                out,
                "  failure rate: shape β = {}, {level} % CI {} to {}; likelihood ratio against β = 1: \
                 Λ = {}, p {} → {}",
                significant(s.shape.value, 4),
                significant(s.shape.low, 3),
                significant(s.shape.high, 3),
                significant(s.statistic, 3),
                p_phrase(s.p_value),
                s.trend.describe()
            );
        }
    }
    for warning in &group.warnings {
        let _ = writeln!(out, "  warning: {warning}");
    }
    if let Some(block) = &group.block {
        let _ = writeln!(out, "  paste into the station:");
        for line in block.lines() {
            let _ = writeln!(out, "    {line}");
        }
    } else if !context.is_time && group.fitted.is_some() {
        let _ = writeln!(out, "  (no failure block: the lives are not durations)");
    }
}

/// `1 failure:`, `3 failures:`.
fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}:", if n == 1 { "" } else { "s" })
}

/// `< 0.001` or `= 0.042`.
fn p_phrase(p: f64) -> String {
    if p < 0.001 { "< 0.001".to_string() } else { format!("= {p:.3}") }
}

/// `shape = 2.1 (1.4–3.2), scale = 300 h (250–360)`.
fn parameters(context: &Context, fit: &Fit) -> String {
    fit.parameters
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let value = if fit.family.parameter_has_unit(i) {
                context.quantity(p.value)
            } else {
                significant(p.value, 4)
            };
            match fit.confidence_interval(p.name, context.options.level) {
                Some((low, high)) => format!(
                    "{} = {value} ({}–{})",
                    p.name,
                    significant(low, 3),
                    significant(high, 3)
                ),
                None => format!("{} = {value}", p.name),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn estimate_json(e: &Estimate) -> Value {
    json!({ "value": e.value, "low": e.low, "high": e.high })
}

fn fit_json(context: &Context, fit: &Fit, delta: f64) -> Value {
    let unit = context.options.unit.trim();
    let level = context.options.level;
    json!({
        "family": fit.family.key(),
        "label": fit.family.label(),
        "parameters": fit.parameters.iter().enumerate().map(|(i, p)| json!({
            "name": p.name,
            "value": p.value,
            "standard_error": p.standard_error,
            "interval": fit.confidence_interval(p.name, level).map(|(l, h)| [l, h]),
            "unit": if fit.family.parameter_has_unit(i) { Some(unit) } else { None },
        })).collect::<Vec<_>>(),
        "covariance": fit.covariance,
        "log_likelihood": fit.log_likelihood,
        "aic": fit.aic,
        "delta_aic": delta,
        "b10_delta_method": estimate_json(&reliability::quantile_life(fit, 0.1, level)),
        "expression": fit.expression(unit),
    })
}

fn json_document(context: &Context, groups: &[Group], written: &[String]) -> Value {
    let loaded = context.loaded;
    let groups: Vec<Value> = groups
        .iter()
        .map(|g| {
            let fitted = g.fitted.as_ref();
            json!({
                "group": g.name(),
                "key": context.keys.iter().zip(&g.key).map(|(k, v)| (k.clone(), Value::from(v.clone()))).collect::<serde_json::Map<_, _>>(),
                "assets": g.assets,
                "lives": g.lives,
                "failures": g.failures,
                "censored": g.censored(),
                "censored_by_maintenance": g.by_maintenance,
                "censored_at_end": g.at_end,
                "total_time": g.total_time,
                "mtbf": g.mtbf.as_ref().map(estimate_json),
                "mttr": g.mttr.map(|(m, h, n)| json!({ "value": m, "half_width": h, "repairs": n })),
                "availability": g.availability,
                "best": fitted.and_then(|f| f.ranking.best()).map(|b| b.family.key()),
                "fits": fitted.map(|f| {
                    let deltas = f.ranking.deltas();
                    f.ranking.fits.iter().zip(deltas).map(|(fit, d)| fit_json(context, fit, d)).collect::<Vec<_>>()
                }),
                "skipped": fitted.map(|f| f.ranking.skipped.iter().map(|s| json!({ "family": s.family.key(), "reason": s.reason })).collect::<Vec<_>>()),
                "b10_weibull": fitted.and_then(|f| f.b10_weibull.as_ref().map(estimate_json)),
                "shape_test": fitted.and_then(|f| f.shape).map(|s| json!({
                    "shape": estimate_json(&s.shape),
                    "statistic": s.statistic,
                    "p_value": s.p_value,
                    "trend": s.trend.key(),
                    "verdict": s.trend.describe(),
                })),
                "not_fitted": g.unfitted,
                "repair_law": g.repair_law,
                "warnings": g.warnings,
                "failure_block": g.block,
            })
        })
        .collect();
    json!({
        "input": context.options.input,
        "format": loaded.format,
        "unit": context.options.unit.trim(),
        "level": context.options.level,
        "rows": loaded.rows.iter().map(|(k, n)| (k.clone(), Value::from(*n))).collect::<serde_json::Map<_, _>>(),
        "lives": loaded.lives.len(),
        "failures": loaded.lives.iter().filter(|l| !l.censored()).count(),
        "censored": loaded.lives.iter().filter(|l| l.censored()).count(),
        "repairs": loaded.repairs.len(),
        "until": loaded.until,
        "notes": loaded.notes,
        "by": context.keys,
        "groups": groups,
        "plots": written,
    })
}

/// A group's name as a file name: letters, digits, `-` and `_`.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

/// The Weibull probability plot, the hazard plot and the cumulative hazard plot of a group, as
/// `(file name, SVG)`.
fn plots(group: &Group, unit: &str) -> Vec<(String, String)> {
    let Some(fitted) = &group.fitted else { return Vec::new() };
    let sample = &fitted.sample;
    let name = slug(&group.name());
    let name = if name.is_empty() { "all".to_string() } else { name };
    let (_, longest) = sample.range();
    let described = format!(
        "{}: {} failures, {} censored",
        group.name(),
        sample.failures().len(),
        sample.censored_values().len()
    );
    let shown: Vec<&Fit> = fitted.ranking.fits.iter().take(PALETTE.len()).collect();

    // Weibull paper: x = ln t, y = ln(−ln(1 − F)); a Weibull is a line of slope β.
    let positions = reliability::median_ranks(sample);
    let mut weibull = Chart::new("Weibull probability plot");
    weibull.subtitle =
        format!("{described}; median ranks (Johnson, Bernard); a Weibull fit is a straight line");
    weibull.x_label = format!("ln(life in {unit})");
    weibull.y_label = "ln(−ln(1 − F))".to_string();
    let paper = |p: f64| (-(1.0 - p).ln()).ln();
    weibull.series.push(Series::Scatter {
        label: "failures".to_string(),
        points: positions.iter().map(|&(t, p)| ((t).ln(), paper(p))).collect(),
        colour: "#000000".to_string(),
    });
    let (first, last) = (positions[0].0, positions[positions.len() - 1].0.max(longest));
    let grid: Vec<f64> = (0..=160)
        .map(|k| {
            ((0.5 * first).ln() + ((1.5 * last).ln() - (0.5 * first).ln()) * k as f64 / 160.0).exp()
        })
        .collect();
    for (i, fit) in shown.iter().enumerate() {
        let points: Vec<(f64, f64)> = grid
            .iter()
            .map(|&t| ((t).ln(), (reliability::cumulative_hazard(fit, t)).ln()))
            .filter(|(_, y)| y.is_finite())
            .collect();
        weibull.series.push(Series::Line {
            label: fit.family.label().to_string(),
            points,
            colour: PALETTE[i].to_string(),
            dashed: fit.family != Family::Weibull,
        });
    }
    let low = positions.iter().map(|&(_, p)| paper(p)).fold(f64::INFINITY, f64::min);
    let high = positions.iter().map(|&(_, p)| paper(p)).fold(f64::NEG_INFINITY, f64::max);
    weibull.y_range = Some((low - 1.0, high + 1.0));
    weibull.x_range = Some(((0.5 * first).ln(), (1.5 * last).ln()));

    // The hazard rate of each fit on a linear time axis.
    let linear: Vec<f64> = (1..=200).map(|k| 1.2 * longest * k as f64 / 200.0).collect();
    let mut hazard = Chart::new("Hazard rate of the fitted laws");
    hazard.subtitle = format!("{described}; rising for wear-out, falling for infant mortality");
    hazard.x_label = format!("age ({unit})");
    hazard.y_label = format!("failures per {unit}");
    let mut tallest: f64 = 0.0;
    for (i, fit) in shown.iter().enumerate() {
        let points: Vec<(f64, f64)> = linear
            .iter()
            .map(|&t| (t, reliability::hazard(fit, t)))
            .filter(|(_, h)| h.is_finite())
            .collect();
        // The median hazard over the range bounds the axis, so a hazard that explodes at the
        // origin (shape < 1) does not flatten the others.
        let mut heights: Vec<f64> = points.iter().map(|p| p.1).collect();
        heights.sort_by(f64::total_cmp);
        if let Some(&h) = heights.get(heights.len() * 9 / 10) {
            tallest = tallest.max(h);
        }
        hazard.series.push(Series::Line {
            label: fit.family.label().to_string(),
            points,
            colour: PALETTE[i].to_string(),
            dashed: fit.family != Family::Weibull,
        });
    }
    hazard.x_range = Some((0.0, 1.2 * longest));
    hazard.y_range = Some((0.0, 1.2 * tallest.max(f64::MIN_POSITIVE)));

    // Nelson–Aalen against the fitted cumulative hazards.
    let mut cumulative = Chart::new("Cumulative hazard: Nelson–Aalen and fitted");
    cumulative.subtitle = format!("{described}");
    cumulative.x_label = format!("age ({unit})");
    cumulative.y_label = "cumulative hazard H(t)".to_string();
    let mut steps = vec![(0.0, 0.0)];
    steps.extend(reliability::nelson_aalen(sample));
    let top = steps.last().map(|s| s.1).unwrap_or(1.0);
    cumulative.series.push(Series::Step {
        label: "Nelson–Aalen".to_string(),
        points: steps,
        colour: "#000000".to_string(),
    });
    for (i, fit) in shown.iter().enumerate() {
        cumulative.series.push(Series::Line {
            label: fit.family.label().to_string(),
            points: linear.iter().map(|&t| (t, reliability::cumulative_hazard(fit, t))).collect(),
            colour: PALETTE[i].to_string(),
            dashed: fit.family != Family::Weibull,
        });
    }
    cumulative.x_range = Some((0.0, 1.2 * longest));
    cumulative.y_range = Some((0.0, 1.5 * top));
    vec![
        (format!("weibull-{name}.svg"), weibull.svg()),
        (format!("hazard-{name}.svg"), hazard.svg()),
        (format!("cumulative-hazard-{name}.svg"), cumulative.svg()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_and_identifiers() {
        assert_eq!(parse_timestamp("1970-01-02"), Some(86_400.0));
        assert_eq!(parse_timestamp("2015-01-05 06:00:00"), Some(1_420_437_600.0));
        assert_eq!(parse_timestamp("2015-01-05T06:00Z"), Some(1_420_437_600.0));
        assert_eq!(parse_timestamp("2016-02-29T00:00:00"), Some(1_456_704_000.0));
        assert_eq!(parse_timestamp("2015-02-29"), None);
        assert_eq!(parse_timestamp("2015-01-05 25:00"), None);
        assert_eq!(parse_timestamp("05/01/2015"), None);
        assert_eq!(identifier("comp1"), "comp1");
        assert_eq!(identifier("Main Bearing"), "main_bearing");
        assert_eq!(identifier("3"), "mode_3");
        assert_eq!(identifier("failure"), "failure_mode");
        assert_eq!(slug("model3 / comp1"), "model3_comp1");
    }
}
