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

mod input;
mod output;

use crate::table::counted;
use fab_stdlib::fit::reliability::{self, Ending, Estimate, Life, ShapeTest};
use fab_stdlib::fit::significant;
use fab_stdlib::fit::{self, Criterion, Family, FitOptions, Observation, Ranking, Sample};
use fab_stdlib::units::Dimension;
use input::{Loaded, read_azure, read_events, read_lives};
use output::{Context, json_document, plots, text_report};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

/// What `fab reliability` was asked: its command-line arguments.
#[derive(clap::Args)]
pub struct Options {
    /// An event log (CSV), a table of lives (with `--life`), or the Azure PdM folder.
    pub input: String,
    /// `events`, `lives` or `azure-pdm`; detected when omitted (a folder holding
    /// `PdM_failures.csv` is `azure-pdm`, `--life` means `lives`).
    #[arg(long)]
    pub format: Option<String>,
    /// The event log's asset column.
    #[arg(long, default_value = "asset")]
    pub asset: String,
    /// The failure-mode column (optional: without it, one mode); in the lives form, each
    /// failure's mode, analysed as competing risks.
    #[arg(long, default_value = "mode")]
    pub mode: String,
    /// The event log's time column: ISO date-times or numbers in `--unit` (default
    /// `timestamp` if there is one, else `time`).
    #[arg(long)]
    pub time: Option<String>,
    /// The event log's event column: `failure`, `maintenance`, `censored` or `repaired`.
    #[arg(long, default_value = "event")]
    pub event: String,
    /// A column of repair durations (in `--unit`) on failure rows (default `repair` if there
    /// is one).
    #[arg(long)]
    pub repair: Option<String>,
    /// The lives form: the column of life lengths.
    #[arg(long)]
    pub life: Option<String>,
    /// The lives form: a status column, `failure`/`1` or `censored`/`0`.
    #[arg(long)]
    pub status: Option<String>,
    /// The unit of numeric times and of the lives reported (for date-times too).
    #[arg(long, default_value = "h")]
    pub unit: String,
    /// Observation starts here for every asset and mode (a time like the log's).
    #[arg(long)]
    pub since: Option<String>,
    /// Observation ends here (default: the latest time in the data).
    #[arg(long)]
    pub until: Option<String>,
    /// Group by `asset`, `mode` and/or `model` (azure-pdm), e.g. `--by model,mode`; default
    /// `asset,mode` for up to 20 pairs, else `mode`. Without `mode` only for a log of one mode
    /// (the lives of several modes overlap in time and are not one law).
    #[arg(long, value_delimiter = ',')]
    pub by: Vec<String>,
    /// The confidence level of the intervals.
    #[arg(long, default_value_t = 0.95)]
    pub level: f64,
    /// Write the Weibull probability, hazard and cumulative hazard plots of each group here.
    #[arg(long)]
    pub plot: Option<String>,
    /// Print the report as JSON on stdout.
    #[arg(long)]
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
            errln!("{message}");
            ExitCode::from(code)
        }
    }
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
    if loaded.lives.is_empty() {
        return Err((
            1,
            format!(
                "error: {}: no lives to analyse\n  help: A life runs from an event of an asset \
                 and mode to the next, or to the end of observation; the input has none.",
                options.input
            ),
        ));
    }
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
        let mut charts: Vec<(String, String)> = Vec::new();
        for group in groups.iter().filter(|g| g.fitted.is_some()) {
            for (name, svg) in plots(group, &options.unit) {
                // Two groups whose names differ only in punctuation (`a b`, `a_b`) would share a
                // file name: refuse rather than let one plot overwrite the other.
                if charts.iter().any(|(other, _)| *other == name) {
                    return Err(usage(format!(
                        "groups `{}` and another both plot to `{}`: rename one of them",
                        group.name(),
                        Path::new(dir).join(name).display()
                    )));
                }
                charts.push((name, svg));
            }
        }
        written = crate::run::write_plots("`fab reliability`", dir, charts, &options.input)
            .map_err(usage)?;
    }
    if options.json {
        let mut text = serde_json::to_string_pretty(&json_document(&context, &groups, &written))
            .unwrap_or_default();
        text.push('\n');
        crate::fit::write_stdout(&text);
    } else {
        crate::fit::write_stdout(&text_report(&context, &groups));
        if !written.is_empty() {
            errln!("wrote {} plots to {}", written.len(), options.plot.as_deref().unwrap_or(""));
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

/// The grouping keys: `--by`, or `asset, mode` for a log of up to 20 pairs and `mode` beyond.
fn grouping(options: &Options, loaded: &Loaded, format: Format) -> Result<Vec<String>, Failed> {
    if format == Format::Lives {
        let modes = loaded.lives.iter().any(|l| !l.mode.is_empty());
        return Ok(if modes { vec!["mode".to_string()] } else { Vec::new() });
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
    // Each life runs from its own mode's renewal: the lives of several modes of one asset overlap
    // on its calendar, and pooled as one law they count its time once per mode (one asset, three
    // modes, 92 failures in 3000 h read as an MTBF of 97.8 h, not 32.6 h) and give a failure
    // block for a third of its failures.
    let modes: std::collections::BTreeSet<&str> =
        loaded.lives.iter().map(|l| l.mode.as_str()).collect();
    if !keys.iter().any(|k| k == "mode") && modes.len() > 1 {
        let by = keys.join(",");
        return Err(usage(format!(
            "`--by {by}` would pool the lives of {} failure modes ({}) as if drawn from one law, \
             but each mode's lives run from that mode's own renewal and overlap on the calendar: \
             group by `{by},mode` for a law per mode (an asset fails at the sum of its modes' \
             rates)",
            modes.len(),
            fab_compiler::diagnostic::and_list(
                &modes.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>()
            ),
        )));
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
            "{}: a law needs at least {}",
            counted(failures, "failure", "failures"),
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
                None => {
                    let reasons: Vec<String> = ranking
                        .skipped
                        .iter()
                        .map(|s| format!("{}: {}", s.family.label(), s.reason))
                        .collect();
                    (None, Some(format!("no family applies ({})", reasons.join("; "))))
                }
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
        // A group holds one mode: `grouping` refuses to pool several.
        let mode = list.first().map(|l| l.mode.as_str());
        group.block = failure_block(&group, mode, loaded, unit);
        let best = group.fitted.as_ref().and_then(|f| f.ranking.best());
        if let (Some(block), Some(best)) = (&group.block, best)
            && let Some(why) = unwritable(block)
        {
            // Offered, it would be refused where it is pasted.
            group.warnings.push(format!(
                "no failure block: the law fitted, `{}`, is refused in a model ({why}); write the \
                 lives in another unit",
                best.expression(unit)
            ));
            group.block = None;
        }
    }
    group
}

/// Why the failure `block` cannot be pasted into a model, if it cannot: the compiler's own first
/// error for it, pasted into a station (so that the rule is the language's, not a copy of it).
/// Lives near either end of what a number holds fit such laws: lives of 1e-308 h a Weibull scale
/// of 1.9e-310 h, closer to 0 than the smallest normal number (E0002); lives of 1e306 h one whose
/// scale overflows in seconds (E0205).
fn unwritable(block: &str) -> Option<String> {
    // A block of data without repair durations leaves `repair` to the user: any will do here.
    let has_repair = block.lines().any(|line| line.trim_start().starts_with("repair ="));
    let body: Vec<String> = block
        .lines()
        .map(|line| match line {
            "}" if !has_repair => "        repair = 1 h\n    }".to_string(),
            line => format!("    {line}"),
        })
        .collect();
    let model = format!(
        "source parts {{ interarrival = 1 min }}\nstation press {{\n    cycle = 30 s\n{}\n}}\n\
         sink done\nflow parts -> press -> done\n",
        body.join("\n")
    );
    let files = std::sync::Arc::new(fab_compiler::db::MemoryFileSystem::default());
    files.insert("block.fab", &model);
    let mut db = fab_compiler::Database::new(files);
    let root = fab_compiler::load_model(&mut db, "block.fab").ok()?;
    let diagnostics = fab_compiler::check_model(&db, root);
    let error = diagnostics.iter().find(|d| d.is_error())?;
    let label = error.labels.iter().find(|l| l.primary).map(|l| l.message.as_str());
    Some(match label {
        Some(label) => format!("{} {}: {label}", error.code, error.message),
        None => format!("{} {}", error.code, error.message),
    })
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
fn failure_block(group: &Group, mode: Option<&str>, loaded: &Loaded, unit: &str) -> Option<String> {
    let fitted = group.fitted.as_ref()?;
    let best = fitted.ranking.best()?;
    // The mode's name (a group holds one: `grouping` refuses to pool modes); a log that names
    // none gets a neutral one.
    let name = match mode {
        Some(mode) if !mode.is_empty() => identifier(mode),
        _ => "wear".to_string(),
    };
    let mut out = format!(
        "// {}: {} lives, {} failures, {} censored\nfailure {} {{\n    after = {} of calendar_time\n",
        group.name(),
        group.lives,
        group.failures,
        group.censored(),
        name,
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

#[cfg(test)]
mod tests {
    use super::input::parse_timestamp;
    use super::output::slug;
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
        // A UTC offset: the same instant as 06:00 UTC, written in other zones.
        for same in [
            "2015-01-05T07:00:00+01:00",
            "2015-01-05 07:00+0100",
            "2015-01-05T07:00+01",
            "2015-01-05T00:30:00-05:30",
            "2015-01-04T23:00-07:00",
            "2015-01-05 06:00:00 +00:00",
        ] {
            assert_eq!(parse_timestamp(same), Some(1_420_437_600.0), "{same}");
        }
        assert_eq!(parse_timestamp("2015-01-05T07:00+1"), None);
        assert_eq!(parse_timestamp("2015-01-05T07:00+25:00"), None);
        assert_eq!(parse_timestamp("2015-01-05T07:00+01:60"), None);
        assert_eq!(identifier("comp1"), "comp1");
        assert_eq!(identifier("Main Bearing"), "main_bearing");
        assert_eq!(identifier("3"), "mode_3");
        assert_eq!(identifier("failure"), "failure_mode");
        assert_eq!(slug("model3 / comp1"), "model3_comp1");
    }
}
