//! Reading the inputs of `fab reliability` into lives: an event log, a table of lives, or the
//! Azure PdM files as they are. Errors name the file and the row (rows counted as lines of the
//! file, the header being row 1).

use super::{AZURE_FAILURES_FROM, Failed, Options, usage};
use fab_compiler::data::{DataProblem, cells, lines, named_twice, observations, row_cells};
use fab_stdlib::fit::reliability::{self, Ending, Event, EventKind, Life, Repair, Window};
use fab_stdlib::units;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The input as lives, with what is known about it.
pub(super) struct Loaded {
    /// How the input was read: `event log`, `azure-pdm`, `lives`.
    pub(super) format: &'static str,
    pub(super) lives: Vec<Life>,
    pub(super) repairs: Vec<Repair>,
    /// Each asset's model, when the input says (Azure's `PdM_machines.csv`).
    pub(super) models: BTreeMap<String, String>,
    /// Rows read, by file or kind, for the header line.
    pub(super) rows: Vec<(String, usize)>,
    /// Where observation ended, as the input writes times.
    pub(super) until: Option<String>,
    /// How the input was mapped, in sentences.
    pub(super) notes: Vec<String>,
    /// Whether the input can record repairs at all.
    pub(super) repairs_recorded: bool,
}

/// Seconds in one `unit` (a single time unit's name).
pub(super) fn seconds_per(unit: &str) -> f64 {
    units::lookup(unit.trim()).map(|u| u.to_si()).unwrap_or(1.0)
}

/// A CSV file's header and rows: `(row number counting the header as row 1, cells)`.
struct Table {
    file: String,
    columns: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    fn read(file: &str) -> Result<Table, Failed> {
        let text = crate::fit::read_data(file).map_err(usage)?;
        let mut lines = lines(&text);
        let Some((header_row, header)) = lines.next() else {
            return Err(usage(format!("`{file}` is empty: it needs a header line")));
        };
        let problem = |row: usize, problem: DataProblem| {
            (1, format!("error: {file}, row {row}: {}\n  help: {}", problem.message, problem.help))
        };
        let columns: Vec<String> = cells(header)
            .map_err(|p| problem(header_row, p))?
            .into_iter()
            .map(Cow::into_owned)
            .collect();
        let mut rows = Vec::new();
        for (row, line) in lines {
            let cells = row_cells(line, columns.len()).map_err(|p| problem(row, p))?;
            rows.push((row, cells.into_iter().map(Cow::into_owned).collect()));
        }
        Ok(Table { file: file.to_string(), columns, rows })
    }

    /// The index of column `name`, or a usage error listing the columns, or a data error when the
    /// header names it twice (which one is meant would be left to chance).
    fn column(&self, name: &str, option: &str) -> Result<usize, Failed> {
        if let Some(problem) = named_twice(&self.columns, name) {
            return Err(self.error(1, problem.message, &problem.help));
        }
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
    /// ISO 8601 date-times, read as seconds since 1970-01-01 UTC (no leap seconds), converted from
    /// their UTC offset when they state one.
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
                    "`{cell}` is not a date-time like `2015-01-05 06:00:00`, `2015-01-05T06:00Z` or `2015-01-05T07:00+01:00`"
                )
            })
        }
    }
}

/// Seconds since 1970-01-01 00:00 UTC of `YYYY-MM-DD`, optionally followed by `T` or a space and
/// `HH:MM`, `HH:MM:SS` or `HH:MM:SS.fff`, optionally ending in a UTC offset: `Z`, `±HH:MM`,
/// `±HHMM` or `±HH` (a time without one is UTC). Logs written in local time with their offset
/// therefore line up with logs written in UTC.
pub(super) fn parse_timestamp(text: &str) -> Option<f64> {
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
        let (time, offset) = split_offset(time)?;
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
        seconds = f64::from(hours * 3600 + minutes * 60) + secs - offset as f64;
    }
    Some(days_from_civil(year, month, day) as f64 * 86_400.0 + seconds)
}

/// Splits a time of day from its UTC offset (`±HH:MM`, `±HHMM` or `±HH`; none is UTC): the time,
/// and the offset in seconds east of UTC.
fn split_offset(time: &str) -> Option<(&str, i64)> {
    let Some(at) = time.rfind(['+', '-']) else { return Some((time, 0)) };
    let west = time[at..].starts_with('-');
    let (time, offset) = (time[..at].trim_end(), &time[at + 1..]);
    let (hours, minutes) = match offset.len() {
        2 => (offset, "00"),
        4 => offset.split_at(2),
        5 if offset.as_bytes()[2] == b':' => (&offset[..2], &offset[3..]),
        _ => return None,
    };
    let (hours, minutes): (i64, i64) = (hours.parse().ok()?, minutes.parse().ok()?);
    if hours > 23 || minutes > 59 {
        return None;
    }
    let east = hours * 3600 + minutes * 60;
    Some((time, if west { -east } else { east }))
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
        // A renewal that is no failure: read as a maintenance, which opens a life as a pair's
        // first event (the unit is new from here) and renews the mode later.
        "maintenance" | "preventive" | "pm" | "start" | "new" | "installed" => {
            Some(EventKind::Maintenance)
        }
        "censored" | "end" | "suspended" => Some(EventKind::Censored),
        "repaired" | "repair_end" => Some(EventKind::RepairEnd),
        _ => None,
    }
}

const EVENT_HELP: &str = "An event is `failure`, `maintenance` (preventive: renews the mode), \
                          `start` (the unit is new from here), `censored` (end of observation) \
                          or `repaired` (the end of the last failure's repair).";

pub(super) fn read_events(options: &Options) -> Result<Loaded, Failed> {
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
    check_window(window)?;
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
    let read =
        reliability::lives(&events, window).map_err(|e| table.error(e.row, e.message, e.help))?;
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

/// A window that ends before it starts has no lives: say so instead of reporting none.
fn check_window(window: Window) -> Result<(), Failed> {
    match (window.since, window.until) {
        (Some(since), Some(until)) if until <= since => {
            Err(usage("`--until` must be later than `--since`: observation ends before it starts"))
        }
        _ => Ok(()),
    }
}

fn cell(cells: &[String], index: usize) -> &str {
    cells.get(index).map(String::as_str).unwrap_or("")
}

/// The Azure predictive-maintenance files, read as they are (see `docs/reliability.md`).
pub(super) fn read_azure(options: &Options) -> Result<Loaded, Failed> {
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

    check_window(Window { since: Some(start), until })?;
    let mut events = Vec::new();
    let mut latest: Option<(f64, String)> = None;
    read_azure_table(&failures, "failure", EventKind::Failure, unit, &mut events, &mut latest)?;
    read_azure_table(&maint, "comp", EventKind::Maintenance, unit, &mut events, &mut latest)?;

    // Rows before the start only date each component's last renewal: the maintenance log starts
    // before the failure log, so a life there may have ended in an unrecorded failure. Keep the
    // latest row per (machine, component), maintenance or failure (a failure renews too, and is
    // before the start only under a later `--since`), as the start of its first life; the rest
    // are not read. Reading earlier failures while dropping the maintenance between them would
    // stretch lives across preventive renewals.
    let mut last_before: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (i, e) in events.iter().enumerate() {
        if e.time < start {
            let key = (e.asset.clone(), e.mode.clone());
            if last_before.get(&key).is_none_or(|&j| events[j].time <= e.time) {
                last_before.insert(key, i);
            }
        }
    }
    let kept: std::collections::BTreeSet<usize> = last_before.values().copied().collect();
    let before =
        |kind: EventKind| events.iter().filter(|e| e.kind == kind && e.time < start).count();
    let (maintenance_before, failures_before) =
        (before(EventKind::Maintenance), before(EventKind::Failure));
    let dropped = maintenance_before + failures_before - kept.len();
    let mut index = 0;
    events.retain(|e| {
        let keep = e.time >= start || kept.contains(&index);
        index += 1;
        keep
    });
    // Failures read (from the start on), and those with a maintenance row at the same time.
    let (failure_count, at_failure) = {
        let replaced: std::collections::BTreeSet<(&str, &str, u64)> = events
            .iter()
            .filter(|e| e.kind == EventKind::Maintenance)
            .map(|e| (e.asset.as_str(), e.mode.as_str(), e.time.to_bits()))
            .collect();
        let read: Vec<&Event> =
            events.iter().filter(|e| e.kind == EventKind::Failure && e.time >= start).collect();
        let at = read
            .iter()
            .filter(|e| replaced.contains(&(e.asset.as_str(), e.mode.as_str(), e.time.to_bits())))
            .count();
        (read.len(), at)
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
            "{maintenance_before} maintenance rows{} before {} only date the last replacement: \
             the latest per machine and component starts its first life{}",
            match failures_before {
                0 => String::new(),
                n => format!(" and {n} failures"),
            },
            options.since.as_deref().unwrap_or(AZURE_FAILURES_FROM),
            match dropped {
                0 => String::new(),
                dropped => format!(", the other {dropped} are not read"),
            }
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
pub(super) fn read_lives(options: &Options) -> Result<Loaded, Failed> {
    let file = &options.input;
    let text = crate::fit::read_data(file).map_err(usage)?;
    let Some(column) = &options.life else {
        return Err(usage("the lives form needs `--life COLUMN`, the column of life lengths"));
    };
    let read = observations(&text, column, options.status.as_deref()).map_err(|problem| {
        let code = if problem.message.starts_with("no column") { 2 } else { 1 };
        (code, format!("error: {file}: {}\n  help: {}", problem.message, problem.help))
    })?;
    // The same lines as `observations` read, in the same order: `table.rows[i]` is life `i`.
    let table = Table::read(file)?;
    if let Some(index) = read.iter().position(|o| o.value < 0.0) {
        return Err(table.error(
            table.rows.get(index).map_or(index + 2, |(row, _)| *row),
            format!("column `{column}`: the life {} is below zero", read[index].value),
            "A life is a length of time (or use) at or above zero.",
        ));
    }
    // With a mode column, each mode is a competing risk: every unit's life counts for each mode,
    // as a failure of that mode or censored by the other's failure or by its survival.
    let mode_column = if options.mode == "mode" && !table.has("mode") {
        None
    } else {
        Some(table.column(&options.mode, "--mode")?)
    };
    let mut modes: Vec<String> = vec![String::new()];
    let mut cause: Vec<String> = vec![String::new(); read.len()];
    if let Some(at) = mode_column {
        for (i, ((row, cells), o)) in table.rows.iter().zip(&read).enumerate() {
            let mode = cell(cells, at);
            if !o.censored && mode.is_empty() {
                return Err(table.error(
                    *row,
                    format!("a failure with an empty `{}`", options.mode),
                    "With a mode column, every failure names the mode that ended it.",
                ));
            }
            cause[i] = mode.to_string();
        }
        modes = read
            .iter()
            .zip(&cause)
            .filter(|(o, _)| !o.censored)
            .map(|(_, m)| m.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
    }
    let mut lives = Vec::new();
    for mode in &modes {
        for (i, o) in read.iter().enumerate() {
            let failed = !o.censored && cause[i] == *mode;
            lives.push(Life {
                asset: format!("{}", i + 1),
                mode: mode.clone(),
                start: 0.0,
                end: o.value,
                ending: if failed { Ending::Failure } else { Ending::Censored },
            });
        }
    }
    let mut notes = Vec::new();
    if mode_column.is_some() {
        notes.push(format!(
            "competing risks: each of the {} modes counts every unit, a failure of another mode \
             censoring it (the modes are taken as independent)",
            modes.len()
        ));
    }
    Ok(Loaded {
        format: "lives",
        lives,
        repairs: Vec::new(),
        models: BTreeMap::new(),
        rows: vec![("lives".to_string(), read.len())],
        until: None,
        notes,
        repairs_recorded: false,
    })
}
