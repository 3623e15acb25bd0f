//! The catalog of declaration kinds: which fields each kind takes, their types, defaults and docs,
//! the nested items (`failure NAME { … }`) and the built-in callables that are not distributions
//! (maintenance strategies, sync feeds).
//!
//! This is the one declaration of each built-in. The checker validates a body against a kind's
//! [`FieldDecl`]s, the lowering reads their defaults, and hover, completion and `docs/language.md`'s
//! field tables are generated from the same records.

use crate::types::{RefClass, ValueType};
use crate::units::Dimension;

/// A field of a declaration kind, a nested item or a record.
#[derive(Debug)]
pub struct FieldDecl {
    pub name: &'static str,
    pub ty: ValueType,
    pub presence: Presence,
    pub doc: &'static str,
    /// The largest value a whole-number field takes, where the engine needs a bound (it holds
    /// one slot per server, or a count in 32 bits): `parallel = 1e10` would ask for 200 GB.
    pub max: Option<u32>,
    /// The value must be greater than zero: a conveyor of no length or speed, a robot with no
    /// speed, a run of no time.
    pub positive: bool,
    /// The value is a length of simulated time the clock must count to: shorter than the longest
    /// run the runtime's clock holds. For the horizon, the value itself; for a cycle (a
    /// distribution), its mean, the ideal cycle that OEE counts: a cycle that long ends in no
    /// run, and the clock, which stops counting there, would credit more work than was done.
    pub run_length: bool,
    /// The value names a CSV file of release times (a source's `schedule`), read where it is
    /// written: the field's value is the times.
    pub release_times: bool,
}

impl FieldDecl {
    /// This field with an upper bound on its value.
    const fn at_most(self, max: u32) -> FieldDecl {
        FieldDecl { max: Some(max), ..self }
    }

    /// This field, whose value must be greater than zero.
    const fn positive(self) -> FieldDecl {
        FieldDecl { positive: true, ..self }
    }

    /// This field, a length of simulated time the clock must count to (a distribution: its
    /// mean).
    const fn run_length(self) -> FieldDecl {
        FieldDecl { run_length: true, ..self }
    }

    /// This field, which names a file of release times.
    const fn release_times(self) -> FieldDecl {
        FieldDecl { release_times: true, ..self }
    }

    /// Why `value` (SI) is not one this field takes by the bounds declared here beside its
    /// type (above zero, at most its `max`), or `None`: a study's range is held to them at both
    /// ends, as the field's own value is.
    pub fn refusal(&self, value: f64) -> Option<String> {
        let name = self.name;
        match self.max {
            _ if self.positive && value <= 0.0 => {
                Some(format!("`{name}` must be greater than zero"))
            }
            Some(max) if value > f64::from(max) => Some(format!("`{name}` is at most {max}")),
            _ => None,
        }
    }

    /// The type as the docs and hover show it, with the bound the checker holds it to:
    /// `Length > 0`.
    pub fn shown_type(&self) -> String {
        if self.positive { format!("{} > 0", self.ty) } else { self.ty.to_string() }
    }
}

/// Whether a field must be written, and what holds when it is not.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Presence {
    Required,
    /// Optional with this default.
    Default(DefaultValue),
    /// Optional with no value when absent (the feature is off).
    Optional,
}

/// A default value, in SI.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DefaultValue {
    Number(f64),
    Word(&'static str),
    Bool(bool),
}

/// How a declaration kind takes part in a model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A part type.
    Product,
    /// A node of the process graph, connected by `flow`.
    Component,
    /// Shared equipment or people that components use (`resource`).
    Resource,
    /// A `route` attached to a component.
    Route,
    /// A study run on the model: experiment, scenario, optimize, sync.
    Study,
}

/// One declaration kind (`station`, `buffer`, …).
#[derive(Debug)]
pub struct KindDecl {
    /// The keyword.
    pub name: &'static str,
    pub doc: &'static str,
    pub role: Role,
    pub fields: &'static [FieldDecl],
    /// Named nested items allowed in the body (`failure NAME { … }`).
    pub nested: &'static [NestedDecl],
    /// Whether fields other than the declared ones are allowed (a product's free attributes).
    pub free_fields: bool,
    /// Whether the kind is still directional in the language (parsed and checked, not yet simulated).
    pub directional: bool,
}

/// A named nested item: `KEYWORD NAME { fields }`.
#[derive(Debug)]
pub struct NestedDecl {
    pub keyword: &'static str,
    pub doc: &'static str,
    pub fields: &'static [FieldDecl],
}

/// What a non-distribution callable is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallableKind {
    Maintenance,
    Feed,
}

impl CallableKind {
    pub fn describe(self) -> &'static str {
        match self {
            CallableKind::Maintenance => "a maintenance strategy",
            CallableKind::Feed => "a data feed",
        }
    }
}

/// A built-in callable that is not a distribution: `preventive(every = …, takes = …)`.
#[derive(Debug)]
pub struct CallableDecl {
    pub name: &'static str,
    pub kind: CallableKind,
    pub doc: &'static str,
    pub params: &'static [ParamDecl],
    /// Optional parameters of which exactly one must be given (`every` or `age`); empty when
    /// there is no such choice.
    pub choose_one: &'static [&'static str],
    pub directional: bool,
}

/// A parameter of a distribution family or a callable.
#[derive(Clone, Copy, Debug)]
pub struct ParamDecl {
    pub name: &'static str,
    pub ty: ParamType,
    pub doc: &'static str,
    /// Whether it may be given without its name, as the first argument.
    pub positional: bool,
    /// Whether it may be left out.
    pub optional: bool,
    /// Whether it is an interval at which the engine repeats something (a maintenance's `every`
    /// or `age`, `inspect_every`): the engine runs it as at least one nanosecond, its clock's
    /// tick, since an interval of none would repeat it for ever at one instant.
    pub recurring: bool,
}

/// A parameter's type: for distributions, relative to the variable's own dimension.
#[derive(Clone, Copy, Debug)]
pub enum ParamType {
    /// The variable's dimension (`mean`, `sd`, `min`).
    OfVariable,
    /// One over the variable's dimension (`rate`).
    PerVariable,
    /// A fixed type (`shape` is a ratio, `k` an integer, `file` a string).
    Fixed(ValueType),
}

impl ParamDecl {
    pub const fn new(name: &'static str, ty: ValueType, doc: &'static str) -> ParamDecl {
        ParamDecl {
            name,
            ty: ParamType::Fixed(ty),
            doc,
            positional: false,
            optional: false,
            recurring: false,
        }
    }

    /// This parameter, made optional.
    pub const fn optional(self) -> ParamDecl {
        ParamDecl { optional: true, ..self }
    }

    /// This parameter, an interval at which the engine repeats something (see
    /// [`ParamDecl::recurring`]).
    pub const fn recurring(self) -> ParamDecl {
        ParamDecl { recurring: true, ..self }
    }
}

const fn field(
    name: &'static str,
    ty: ValueType,
    presence: Presence,
    doc: &'static str,
) -> FieldDecl {
    FieldDecl {
        name,
        ty,
        presence,
        doc,
        max: None,
        positive: false,
        run_length: false,
        release_times: false,
    }
}

/// The most identical servers (`parallel`), movers or resource units one declaration may have:
/// the engine keeps state for each, and far beyond any real line.
pub const MAX_SERVERS: u32 = 100_000;

/// The most replications one experiment may run: each keeps its results until the summary.
pub const MAX_REPLICATIONS: u32 = 1_000_000;

/// The most points one study may run (design points, sensitivity samples, macro-replications,
/// optimization runs): each keeps its results until the summary, so more asks for more memory
/// than a machine has.
pub const MAX_STUDY_POINTS: u32 = 1_000_000;

/// The fewest macro-replications input uncertainty runs: one redraw of the inputs has no spread
/// to measure.
pub const MIN_MACRO_REPLICATIONS: u32 = 2;

/// The fewest replications each macro-replication of input uncertainty runs: they measure the
/// simulation's own noise, and one replication has no spread.
pub const MIN_INPUT_UNCERTAINTY_REPLICATIONS: u32 = 2;

const REQUIRED: Presence = Presence::Required;
const OPTIONAL: Presence = Presence::Optional;
const fn default_number(value: f64) -> Presence {
    Presence::Default(DefaultValue::Number(value))
}
const fn default_word(word: &'static str) -> Presence {
    Presence::Default(DefaultValue::Word(word))
}

/// The clocks that age a failure mode or time preventive maintenance; the first is the default.
pub const CLOCKS: &[&str] = &["busy_time", "calendar_time"];

/// What a repair or maintenance restores: `new`, `old`, or a ratio (Kijima type I virtual age).
pub const RESTORE_WORDS: &[&str] = &["new", "old"];

const DURATION: ValueType = ValueType::Quantity(Dimension::TIME);
const LENGTH: ValueType = ValueType::Quantity(Dimension::LENGTH);
const RATIO: ValueType = ValueType::Quantity(Dimension::NONE);

/// A measure of a run that studies of many runs report, compare and optimize: a KPI of the
/// results document or a quantity derived from it per replication.
#[derive(Debug)]
pub struct MeasureDecl {
    pub name: &'static str,
    /// The unit the measure is reported in, but for the currency a money measure's adds
    /// ([`MeasureDecl::reported_unit`]).
    pub unit: &'static str,
    /// Its dimension, for the bound of a constraint (`subject to throughput >= 60 parts/h`).
    pub dimension: Dimension,
    /// One reported unit in SI (`parts/h`: 1/3600 per second), to convert a bound.
    pub unit_si: f64,
    /// Whether more is better (the sense `--select` and the docs suggest).
    pub larger_is_better: bool,
    /// The values it can take, in its reported unit: the checker refuses a constraint that no
    /// value meets (`oee >= 120 %`, E0707) and warns of one that every value meets
    /// (`availability <= 100 %`, W0707).
    pub range: MeasureRange,
    /// A measure of the parts delivered (the lead times, `cost_per_part`): it has no value in a
    /// replication that delivered no part, so the runtime's statistic of it is undefined (NaN)
    /// there, and a point with such a replication breaks every constraint on it. A bound that
    /// every value in its range meets (`lead_time >= 0 s`) still rules that point out, so the
    /// checker does not call it without effect.
    pub of_parts_delivered: bool,
    pub doc: &'static str,
}

impl MeasureDecl {
    /// The unit its values are reported in, for a model whose costs are in `currency`: a money
    /// measure's unit begins with the currency (`EUR/h` for `cost_rate`, `EUR` for `cost`),
    /// every other measure's is [`MeasureDecl::unit`] (`parts/h`).
    pub fn reported_unit(&self, currency: Option<&str>) -> String {
        let money = self.dimension == Dimension::MONEY || self.dimension == Dimension::MONEY_RATE;
        match currency {
            Some(currency) if money => format!("{currency}{}", self.unit),
            _ => self.unit.to_string(),
        }
    }

    /// Marks a measure of the parts delivered (see [`MeasureDecl::of_parts_delivered`]).
    const fn measuring_parts_delivered(mut self) -> MeasureDecl {
        self.of_parts_delivered = true;
        self
    }
}

/// The values a measure can take, in its reported unit: `low` to `high`, both included, either
/// infinite where the measure has no bound. The checker reads a factor's `vary` as one too.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MeasureRange {
    pub low: f64,
    pub high: f64,
}

impl MeasureRange {
    /// Any value: a cost or a cost rate, which a negative cost in the model (a credit) can make
    /// negative.
    pub const ANY: MeasureRange = MeasureRange { low: f64::NEG_INFINITY, high: f64::INFINITY };
    /// Zero or more: the throughput, a time, a count.
    pub const NON_NEGATIVE: MeasureRange = MeasureRange { low: 0.0, high: f64::INFINITY };
    /// A share of time, from 0 to 1.
    pub const SHARE: MeasureRange = MeasureRange { low: 0.0, high: 1.0 };

    /// The range in words, each end written by `end`: `between 0 and 1`, `0 or more`,
    /// `1 or less`; `None` for any value. The reference's table of measures and the checker's
    /// E0707 and W0707 say it so.
    pub fn describe(&self, end: impl Fn(f64) -> String) -> Option<String> {
        match (self.low.is_finite(), self.high.is_finite()) {
            (true, true) => Some(format!("between {} and {}", end(self.low), end(self.high))),
            (true, false) => Some(format!("{} or more", end(self.low))),
            (false, true) => Some(format!("{} or less", end(self.high))),
            (false, false) => None,
        }
    }
}

/// Every measure, declared once: `sensitivity` `measures`, `optimize` objectives and
/// constraints, `--select --measure`; the runtime computes each by name
/// (`fab_runtime::designed::measures`, whose test checks each one has a statistic).
pub const MEASURES: &[MeasureDecl] = &[
    measure(
        "throughput",
        "parts/h",
        Dimension::RATE,
        1.0 / 3600.0,
        true,
        MeasureRange::NON_NEGATIVE,
        "Parts reaching a sink per hour.",
    ),
    measure(
        "lead_time",
        "s",
        Dimension::TIME,
        1.0,
        false,
        MeasureRange::NON_NEGATIVE,
        "Mean time from creation to a sink.",
    )
    .measuring_parts_delivered(),
    measure(
        "lead_time_p50",
        "s",
        Dimension::TIME,
        1.0,
        false,
        MeasureRange::NON_NEGATIVE,
        "Median time from creation to a sink, of every part after warm-up (within 0.2 %).",
    )
    .measuring_parts_delivered(),
    measure(
        "lead_time_p95",
        "s",
        Dimension::TIME,
        1.0,
        false,
        MeasureRange::NON_NEGATIVE,
        "95th percentile of the time from creation to a sink: the lead time that 95 % of the \
         parts meet (a service level), within 0.2 %.",
    )
    .measuring_parts_delivered(),
    measure(
        "wip",
        "parts",
        Dimension::COUNT,
        1.0,
        false,
        MeasureRange::NON_NEGATIVE,
        "Time-average parts in the system.",
    ),
    measure(
        "cost",
        "",
        Dimension::MONEY,
        1.0,
        false,
        MeasureRange::ANY,
        "Total cost over the observed period.",
    ),
    measure(
        "cost_per_part",
        "",
        Dimension::MONEY,
        1.0,
        false,
        MeasureRange::ANY,
        "Total cost per part reaching a sink.",
    )
    .measuring_parts_delivered(),
    measure(
        "scrapped",
        "parts",
        Dimension::COUNT,
        1.0,
        false,
        MeasureRange::NON_NEGATIVE,
        "Parts scrapped by catastrophic failures.",
    ),
    measure(
        "cost_rate",
        "/h",
        Dimension::MONEY_RATE,
        1.0 / 3600.0,
        false,
        MeasureRange::ANY,
        "Total cost per hour of the observed period (the long-run cost rate of a maintenance \
         policy).",
    ),
    measure(
        "downtime",
        "",
        Dimension::NONE,
        1.0,
        false,
        MeasureRange::SHARE,
        "Share of time stations are down for repair or in maintenance, averaged over the \
         stations.",
    ),
    measure(
        "availability",
        "",
        Dimension::NONE,
        1.0,
        true,
        MeasureRange::SHARE,
        "Stations' availability (the OEE factor), averaged over the stations.",
    ),
    measure(
        "oee",
        "",
        Dimension::NONE,
        1.0,
        true,
        MeasureRange::SHARE,
        "Stations' overall equipment effectiveness, averaged over the stations.",
    ),
];

const fn measure(
    name: &'static str,
    unit: &'static str,
    dimension: Dimension,
    unit_si: f64,
    larger_is_better: bool,
    range: MeasureRange,
    doc: &'static str,
) -> MeasureDecl {
    MeasureDecl {
        name,
        unit,
        dimension,
        unit_si,
        larger_is_better,
        range,
        of_parts_delivered: false,
        doc,
    }
}

/// The measures' names, in [`MEASURES`] order (for `ValueType::Word`).
pub const MEASURE_NAMES: &[&str] = &{
    let mut names = [""; MEASURES.len()];
    let mut i = 0;
    while i < MEASURES.len() {
        names[i] = MEASURES[i].name;
        i += 1;
    }
    names
};

/// Looks a measure up by name.
pub fn measure_decl(name: &str) -> Option<&'static MeasureDecl> {
    MEASURES.iter().find(|m| m.name == name)
}
const DIST_DURATION: ValueType = ValueType::Dist(Dimension::TIME);
const POINT: ValueType = ValueType::Tuple(&[LENGTH, LENGTH]);
const RESTORES: ValueType = ValueType::OneOf(&[ValueType::Word(RESTORE_WORDS), RATIO]);
const AGING_LAW: ValueType = ValueType::OneOf(&[
    ValueType::Clocked { value: &DIST_DURATION, clocks: CLOCKS },
    ValueType::Cycles,
]);

const AT: FieldDecl = field(
    "at",
    POINT,
    OPTIONAL,
    "Position `(x, y)` on the floor layout; layout distances feed transport times.",
);

/// Fields of one failure mode, in `failure NAME { … }`.
pub const FAILURE_MODE_FIELDS: &[FieldDecl] = &[
    field(
        "after",
        AGING_LAW,
        REQUIRED,
        "Time to failure: a distribution of time aged by a clock (`weibull(…) of busy_time`, the \
         default clock; or `of calendar_time`), or a count of cycles (`20000 cycles`).",
    ),
    field("repair", DIST_DURATION, REQUIRED, "Time to repair once failed."),
    field(
        "restores",
        RESTORES,
        default_word("new"),
        "What a repair restores: `new` (virtual age back to zero), `old` (minimal repair, age \
         kept), or a ratio `x %`: that share of the age gained since the last renewal (the \
         previous repair, or a maintenance that restored the mode) is removed, and the age earlier \
         renewals left is kept, so `100 %` is `new` only when nothing left any (Kijima type I \
         virtual age).",
    ),
    field(
        "catastrophic",
        ValueType::Bool,
        Presence::Default(DefaultValue::Bool(false)),
        "When true, a failure scraps the part in process.",
    ),
    field(
        "uses",
        ValueType::Ref(RefClass::Resource),
        OPTIONAL,
        "The spare part (a `resource` with `stock`) each repair consumes; the repair waits for \
         one while none is in stock, the station down.",
    ),
];

const FAILURE: NestedDecl = NestedDecl {
    keyword: "failure",
    doc: "A failure mode with its own law, clock, repair and restoration.",
    fields: FAILURE_MODE_FIELDS,
};

/// Fields of a `costs { … }` record.
pub const COST_FIELDS: &[FieldDecl] = &[
    field(
        "downtime",
        ValueType::Quantity(Dimension::MONEY_RATE),
        OPTIONAL,
        "Cost per hour of downtime (failed or in maintenance), e.g. `1500 EUR/h`.",
    ),
    field("repair", ValueType::Quantity(Dimension::MONEY), OPTIONAL, "Cost of one repair."),
    field(
        "preventive",
        ValueType::Quantity(Dimension::MONEY),
        OPTIONAL,
        "Cost of one maintenance action (preventive, predictive or opportunistic).",
    ),
    field(
        "operating",
        ValueType::Quantity(Dimension::MONEY_RATE),
        OPTIONAL,
        "Cost per hour while working.",
    ),
    field("per_part", ValueType::Quantity(Dimension::MONEY), OPTIONAL, "Cost per part processed."),
    field(
        "inspection",
        ValueType::Quantity(Dimension::MONEY),
        OPTIONAL,
        "Cost of one inspection of predictive maintenance.",
    ),
];

const COSTS: FieldDecl = field(
    "costs",
    ValueType::Record(COST_FIELDS),
    OPTIONAL,
    "Costs of operating, downtime, repairs and maintenance.",
);

/// The fields every processing component (station, robot) shares.
macro_rules! processing_fields {
    ($($extra:expr),* $(,)?) => {
        &[
            $($extra,)*
            field("parallel", ValueType::Int { min: 1 }, default_number(1.0), "Number of identical servers processing parts side by side.").at_most(MAX_SERVERS),
            field("setup", DIST_DURATION, OPTIONAL, "Setup time when the product type changes."),
            field(
                "failure",
                AGING_LAW,
                OPTIONAL,
                "Shorthand for one failure mode: `failure = LAW of CLOCK` with `repair = DIST`.",
            ),
            field("repair", DIST_DURATION, OPTIONAL, "Repair time of the shorthand failure mode."),
            field(
                "maintenance",
                ValueType::Call(CallableKind::Maintenance),
                default_word("reactive"),
                "Maintenance strategy: `reactive`, `preventive(every | age, takes, restores)`, \
                 `predictive(threshold, lead, takes, …)`, `opportunistic(every | age, window, \
                 takes, …)`.",
            ),
            COSTS,
            field(
                "assemble",
                ValueType::Map { key: RefClass::Product, value: &ValueType::Int { min: 1 } },
                OPTIONAL,
                "Parts consumed per assembly: `assemble { Body = 1, Door = 4 }`. The station waits \
                 until it holds them all, then emits one `produces` part.",
            ),
            field("produces", ValueType::Ref(RefClass::Product), OPTIONAL, "The product an assembly station emits."),
            field("needs", ValueType::List(&ValueType::Ref(RefClass::Resource)), OPTIONAL, "Resources a server holds, one unit per listing (`[ops, ops]` holds two), from the start of its \
             setup or processing to its end; a part waits, loaded, until all are free."),
            field(
                "crew",
                ValueType::Ref(RefClass::Resource),
                OPTIONAL,
                "The resource whose units (technicians) repair and maintain the station: each \
                 repair and maintenance waits for a free unit, repairs first, and holds it \
                 throughout; waiting counts as down time (or maintenance time).",
            ),
            AT,
        ]
    };
}

/// Every declaration kind, declared once.
pub const KINDS: &[KindDecl] = &[
    KindDecl {
        name: "product",
        doc: "A part type that flows through the line.",
        role: Role::Product,
        fields: &[
            field(
                "mass",
                ValueType::Quantity(Dimension::MASS),
                OPTIONAL,
                "Mass of one part; checked against robot payloads.",
            ),
            field(
                "size",
                ValueType::Tuple(&[LENGTH, LENGTH, LENGTH]),
                OPTIONAL,
                "Bounding box `(l, w, h)`.",
            ),
        ],
        nested: &[],
        free_fields: true,
        directional: false,
    },
    KindDecl {
        name: "source",
        doc: "Creates parts, one at a time, and sends them into the line.",
        role: Role::Component,
        fields: &[
            field(
                "product",
                ValueType::Ref(RefClass::Product),
                OPTIONAL,
                "The product created; a part named after the source when omitted.",
            ),
            field(
                "interarrival",
                DIST_DURATION,
                OPTIONAL,
                "Time between two creations. Exactly one of `interarrival` and `schedule`.",
            ),
            field(
                "schedule",
                ValueType::String,
                OPTIONAL,
                "A CSV file of release times. Exactly one of `interarrival` and `schedule`.",
            )
            .release_times(),
            field(
                "limit",
                ValueType::Int { min: 0 },
                OPTIONAL,
                "Stop after creating this many parts.",
            ),
            AT,
        ],
        nested: &[],
        free_fields: false,
        directional: false,
    },
    KindDecl {
        name: "station",
        doc: "Processes one part at a time (or `parallel = n`); holds a finished part until a \
              successor takes it (blocking after service).",
        role: Role::Component,
        fields: processing_fields![field(
            "cycle",
            DIST_DURATION,
            REQUIRED,
            "Processing time of one part."
        )
        .run_length()],
        nested: &[FAILURE],
        free_fields: false,
        directional: false,
    },
    KindDecl {
        name: "buffer",
        doc: "Stores parts between components.",
        role: Role::Component,
        fields: &[
            field(
                "capacity",
                ValueType::OneOf(&[ValueType::Int { min: 0 }, ValueType::Word(&["unlimited"])]),
                REQUIRED,
                "How many parts it holds: a whole number ≥ 0, or `unlimited`.",
            ),
            field(
                "policy",
                ValueType::Word(&["fifo", "lifo"]),
                default_word("fifo"),
                "Which part leaves first.",
            ),
            AT,
        ],
        nested: &[],
        free_fields: false,
        directional: false,
    },
    KindDecl {
        name: "conveyor",
        doc: "Moves parts over a length at a speed, keeping a minimum spacing between them.",
        role: Role::Component,
        fields: &[
            field("length", LENGTH, REQUIRED, "Length from entry to exit.").positive(),
            field("speed", ValueType::Quantity(Dimension::VELOCITY), REQUIRED, "Belt speed.")
                .positive(),
            field(
                "spacing",
                LENGTH,
                REQUIRED,
                "Minimum pitch between parts: a part enters once the one before has moved `spacing`.",
            )
            .positive(),
            field(
                "accumulating",
                ValueType::Bool,
                Presence::Default(DefaultValue::Bool(true)),
                "When the exit is blocked, parts queue up (`true`) or the whole belt stops (`false`).",
            ),
            field(
                "accel",
                ValueType::Quantity(Dimension::ACCELERATION),
                OPTIONAL,
                "Acceleration when the belt restarts. Not simulated yet: belts start and stop \
                 instantly (W0206).",
            ),
            AT,
        ],
        nested: &[],
        free_fields: false,
        directional: false,
    },
    KindDecl {
        name: "robot",
        doc: "A station whose cycle derives from motion: a path under speed and acceleration limits, \
              plus a process time.",
        role: Role::Component,
        fields: processing_fields![
            field(
                "cycle",
                DIST_DURATION,
                OPTIONAL,
                "Processing time of one part, when not derived from motion."
            )
            .run_length(),
            field(
                "process",
                DIST_DURATION,
                default_number(0.0),
                "Process time (gripping, welding) added to the motion time of each cycle; \
                 without it the cycle is the motion alone."
            )
            .run_length(),
            field("reach", LENGTH, OPTIONAL, "Maximum reach from the robot's base."),
            field("payload", ValueType::Quantity(Dimension::MASS), OPTIONAL, "Maximum payload."),
            field(
                "speed",
                ValueType::Quantity(Dimension::VELOCITY),
                OPTIONAL,
                "Maximum Cartesian speed."
            )
            .positive(),
            field(
                "accel",
                ValueType::Quantity(Dimension::ACCELERATION),
                OPTIONAL,
                "Maximum Cartesian acceleration."
            )
            .positive(),
            field(
                "jerk",
                ValueType::Quantity(Dimension::JERK),
                OPTIONAL,
                "Maximum jerk (jerk-limited profiles). Not simulated yet (W0206)."
            ),
            field(
                "path",
                ValueType::List(&POINT),
                OPTIONAL,
                "Points the tool visits in each cycle, relative to the base; the cycle ends with \
                 the move from the last point back to the first."
            ),
            field(
                "fidelity",
                ValueType::Word(&["simple", "kinematic", "dynamic"]),
                default_word("simple"),
                "Motion model. Only `simple` is simulated yet: the others move as it does \
                 (W0206)."
            ),
        ],
        nested: &[FAILURE],
        free_fields: false,
        directional: false,
    },
    KindDecl {
        name: "transport",
        doc: "Movers (AGVs, forklifts) that carry parts between components.",
        role: Role::Component,
        fields: &[
            field("count", ValueType::Int { min: 1 }, default_number(1.0), "Number of movers.")
                .at_most(MAX_SERVERS),
            field("speed", ValueType::Quantity(Dimension::VELOCITY), REQUIRED, "Travel speed."),
            field("load", DIST_DURATION, OPTIONAL, "Time to load a part."),
            field("unload", DIST_DURATION, OPTIONAL, "Time to unload a part."),
            AT,
        ],
        nested: &[],
        free_fields: false,
        directional: true,
    },
    KindDecl {
        name: "resource",
        doc: "Shared people, tools or parts: a maintenance crew that stations name with \
              `crew = NAME`; operators a station `needs = [NAME]` while processing (the same \
              units); or, with `stock`, a spare part that failure modes use (`uses = NAME`).",
        role: Role::Resource,
        fields: &[
            field("count", ValueType::Int { min: 1 }, default_number(1.0), "How many there are.")
                .at_most(MAX_SERVERS),
            field(
                "stock",
                ValueType::Int { min: 0 },
                OPTIONAL,
                "Makes the resource a spare part: the units in stock at the start. Each repair \
                 of a failure mode that `uses` it consumes one, waiting while none is in stock, \
                 and each use reorders one (one-for-one), arriving `lead` later.",
            ),
            field(
                "lead",
                DURATION,
                OPTIONAL,
                "Replenishment lead time of a spare part: a reorder arrives this long after the \
                 use (0 when not given).",
            ),
        ],
        nested: &[],
        free_fields: false,
        directional: false,
    },
    KindDecl {
        name: "sink",
        doc: "Removes finished parts and counts them.",
        role: Role::Component,
        fields: &[AT],
        nested: &[],
        free_fields: false,
        directional: false,
    },
    KindDecl {
        name: "route",
        doc: "Splits a component's output by probability (`TARGET = p`, summing to 100 %) or by \
              product (`PRODUCT = TARGET`).",
        role: Role::Route,
        fields: &[],
        nested: &[],
        free_fields: true,
        directional: false,
    },
    KindDecl {
        name: "experiment",
        doc: "A study: how long to simulate, how many replications, from which seed.",
        role: Role::Study,
        fields: &[
            field(
                "horizon",
                DURATION,
                REQUIRED,
                "Simulated time of one replication, warm-up included.",
            )
            .positive()
            .run_length(),
            field(
                "warmup",
                ValueType::OneOf(&[DURATION, ValueType::Word(&["auto"])]),
                default_number(0.0),
                "Initial period whose statistics are discarded; `auto` chooses it by MSER-5 from \
                 pilot runs of the replications (their average work in process).",
            ),
            field(
                "replications",
                ValueType::Int { min: 1 },
                default_number(10.0),
                "Number of independent replications.",
            )
            .at_most(MAX_REPLICATIONS),
            field(
                "seed",
                ValueType::Int { min: 0 },
                default_number(0.0),
                "Seed of every random stream.",
            ),
            field(
                "confidence",
                RATIO,
                default_number(0.95),
                "Confidence level of the reported intervals.",
            ),
            field(
                "precision",
                RATIO,
                OPTIONAL,
                "Target half-width of the mean throughput relative to it, e.g. `2 %`: \
                 replications are added (from `replications` on) until it is reached or \
                 `max_replications` have run.",
            )
            .positive(),
            field(
                "max_replications",
                ValueType::Int { min: 1 },
                OPTIONAL,
                "The most replications `precision` may run (default 100).",
            )
            .at_most(MAX_REPLICATIONS),
            field(
                "design",
                ValueType::Word(&["full_factorial", "latin_hypercube"]),
                default_word("full_factorial"),
                "How the `vary` factors are combined into design points.",
            ),
            field(
                "levels",
                ValueType::Int { min: 2 },
                default_number(3.0),
                "Full factorial: values per continuous factor, evenly spaced over its range (an \
                 integer range with fewer values takes each of them, a range of one value that \
                 value once).",
            )
            .at_most(MAX_STUDY_POINTS),
            field(
                "points",
                ValueType::Int { min: 2 },
                default_number(10.0),
                "Latin hypercube: the number of design points.",
            )
            .at_most(MAX_STUDY_POINTS),
            field(
                "input_uncertainty",
                ValueType::Int { min: MIN_MACRO_REPLICATIONS as i64 },
                OPTIONAL,
                "Macro-replications that propagate the uncertainty of inputs fitted to data \
                 (`fit(…)`, `empirical(…)`): each redraws every such input and runs the \
                 replications again, and the report splits each measure's variance into input \
                 uncertainty and stochastic noise.",
            )
            .at_most(MAX_STUDY_POINTS),
            field(
                "input_method",
                ValueType::Word(&["bootstrap", "parametric"]),
                default_word("bootstrap"),
                "How `input_uncertainty` redraws a fitted input: `bootstrap` resamples its data \
                 and refits the same family; `parametric` draws the parameters from the \
                 estimate's asymptotic normal law, those positive by nature on the log scale.",
            ),
        ],
        nested: &[],
        free_fields: false,
        directional: false,
    },
    KindDecl {
        name: "scenario",
        doc: "A what-if: a base experiment with fields of the model or the experiment overridden \
              (`c1.speed = 0.6 m/s`). Scenarios of one experiment share common random numbers.",
        role: Role::Study,
        fields: &[],
        nested: &[],
        free_fields: true,
        directional: false,
    },
    KindDecl {
        name: "optimize",
        doc: "Searches the `vary`ed factors for the point that minimizes or maximizes the \
              objectives subject to the constraints, by simulation with common random numbers: \
              a coarse grid then finer grids around the best for one factor, a Latin hypercube \
              then a pattern search for several, the non-dominated points for several \
              objectives. `fab optimize MODEL NAME` runs it.",
        role: Role::Study,
        fields: &[
            field(
                "budget",
                ValueType::Int { min: 1 },
                OPTIONAL,
                "How many runs the search may spend, e.g. `40 runs`; a run is one point with \
                 all the base experiment's replications (default 30).",
            )
            .at_most(MAX_STUDY_POINTS),
            field(
                "orders",
                ValueType::String,
                OPTIONAL,
                "A CSV file of production orders to schedule (directional: checked, not yet \
                 run).",
            ),
        ],
        nested: &[],
        free_fields: false,
        directional: false,
    },
    KindDecl {
        name: "sensitivity",
        doc: "How much each `vary`ed factor moves the measures: one-at-a-time sweeps, Morris \
              elementary effects, or Sobol indices.",
        role: Role::Study,
        fields: &[
            field(
                "method",
                ValueType::Word(&["oat", "morris", "sobol"]),
                default_word("sobol"),
                "`oat`: each factor from the centre to each end of its range (a tornado chart); \
                 `morris`: elementary effects; `sobol`: first-order and total indices by Saltelli \
                 sampling.",
            ),
            field(
                "samples",
                ValueType::Int { min: 2 },
                default_number(64.0),
                "Sobol: base samples N (N·(factors + 2) points run); Morris: trajectories \
                 (factors + 1 points each). Ignored by `oat`.",
            )
            .at_most(MAX_STUDY_POINTS),
            field(
                "measures",
                ValueType::List(&ValueType::Word(MEASURE_NAMES)),
                OPTIONAL,
                "The measures analysed (default `[throughput]`).",
            ),
        ],
        nested: &[],
        free_fields: false,
        directional: false,
    },
    KindDecl {
        name: "sync",
        doc: "Keeps a digital twin in step with live or recorded plant data.",
        role: Role::Study,
        fields: &[
            field(
                "feed",
                ValueType::Call(CallableKind::Feed),
                REQUIRED,
                "Where data comes from: `replay(…)`, `mqtt(…)`, `opcua(…)`.",
            ),
            field(
                "tolerance",
                RATIO,
                default_number(0.05),
                "Relative disagreement beyond which a discrepancy is reported.",
            ),
        ],
        nested: &[],
        free_fields: false,
        directional: true,
    },
];

/// A preventive interval or age: a duration on calendar time (the default) or busy time.
const PREVENTIVE_CLOCKED: ValueType =
    ValueType::Clocked { value: &DURATION, clocks: &["calendar_time", "busy_time"] };

/// Maintenance strategies and feeds.
pub const CALLABLES: &[CallableDecl] = &[
    CallableDecl {
        name: "reactive",
        kind: CallableKind::Maintenance,
        doc: "Repair on failure only (the default).",
        params: &[],
        choose_one: &[],
        directional: false,
    },
    CallableDecl {
        name: "preventive",
        kind: CallableKind::Maintenance,
        doc: "Maintain at a fixed interval (`every`) or at a fixed age (`age`) of calendar or busy \
              time; exactly one of the two.",
        params: &[
            ParamDecl::new(
                "every",
                PREVENTIVE_CLOCKED,
                "Interval between maintenances, counted from the end of the previous one, \
                 `of calendar_time` (default) or `of busy_time`.",
            )
            .optional()
            .recurring(),
            ParamDecl::new(
                "age",
                PREVENTIVE_CLOCKED,
                "Age at which the station is maintained (age replacement): the age restarts at \
                 every maintenance and at every repair that restores `new`; `of calendar_time` \
                 (default) or `of busy_time`.",
            )
            .optional()
            .recurring(),
            ParamDecl::new("takes", DIST_DURATION, "Duration of one maintenance."),
            ParamDecl::new("restores", RESTORES, "What maintenance restores (default `new`).")
                .optional(),
        ],
        choose_one: &["every", "age"],
        directional: false,
    },
    CallableDecl {
        name: "predictive",
        kind: CallableKind::Maintenance,
        doc: "Condition-based maintenance on the delay-time (P–F interval) model: each failure \
              mode's indicator is the share of its current life consumed (0 at renewal, 1 at \
              failure); once it passes `threshold` the coming failure can be detected, by \
              inspections every `inspect_every` or by continuous monitoring, each time with \
              probability `detection`; the detected mode is maintained `lead` after detection.",
        params: &[
            ParamDecl::new(
                "threshold",
                RATIO,
                "Share of a life consumed from which the coming failure is detectable \
                 (above 0 %, below 100 %).",
            ),
            ParamDecl::new(
                "lead",
                DURATION,
                "Calendar time from detection to the start of the maintenance (planning, parts).",
            ),
            ParamDecl::new("takes", DIST_DURATION, "Duration of one maintenance."),
            ParamDecl::new(
                "inspect_every",
                DURATION,
                "Calendar interval between inspections; without it the station is monitored \
                 continuously and a detectable failure gets one chance of detection.",
            )
            .optional()
            .recurring(),
            ParamDecl::new(
                "detection",
                RATIO,
                "Probability that an inspection (or the monitoring) detects a detectable failure \
                 (default 100 %).",
            )
            .optional(),
            ParamDecl::new(
                "restores",
                RESTORES,
                "What maintenance restores of the detected modes (default `new`).",
            )
            .optional(),
        ],
        choose_one: &[],
        directional: false,
    },
    CallableDecl {
        name: "opportunistic",
        kind: CallableKind::Maintenance,
        doc: "Preventive maintenance pulled forward into idle time: due at `every` (or `age`), \
              it is done as soon as the station is starved or blocked within `window` before \
              that, and forced at the due point otherwise.",
        params: &[
            ParamDecl::new(
                "every",
                PREVENTIVE_CLOCKED,
                "Interval between maintenances, as in `preventive`.",
            )
            .optional()
            .recurring(),
            ParamDecl::new("age", PREVENTIVE_CLOCKED, "Age at maintenance, as in `preventive`.")
                .optional()
                .recurring(),
            ParamDecl::new(
                "window",
                DURATION,
                "How early maintenance may be pulled forward, on the clock of `every` or `age`.",
            ),
            ParamDecl::new("takes", DIST_DURATION, "Duration of one maintenance."),
            ParamDecl::new("restores", RESTORES, "What maintenance restores (default `new`).")
                .optional(),
        ],
        choose_one: &["every", "age"],
        directional: false,
    },
    CallableDecl {
        name: "replay",
        kind: CallableKind::Feed,
        doc: "Replays recorded events from a CSV file.",
        params: &[ParamDecl {
            positional: true,
            ..ParamDecl::new("file", ValueType::String, "The event file.")
        }],
        choose_one: &[],
        directional: true,
    },
    CallableDecl {
        name: "mqtt",
        kind: CallableKind::Feed,
        doc: "Subscribes to an MQTT broker (TLS with `mqtts://`).",
        params: &[
            ParamDecl {
                positional: true,
                ..ParamDecl::new("url", ValueType::String, "Broker URL.")
            },
            ParamDecl::new("topic", ValueType::String, "Topic filter."),
            ParamDecl::new("ca", ValueType::String, "CA certificate file.").optional(),
        ],
        choose_one: &[],
        directional: true,
    },
    CallableDecl {
        name: "opcua",
        kind: CallableKind::Feed,
        doc: "Connects to an OPC UA server with a security policy.",
        params: &[
            ParamDecl {
                positional: true,
                ..ParamDecl::new("url", ValueType::String, "Endpoint URL.")
            },
            ParamDecl::new("policy", ValueType::String, "Security policy, e.g. `Basic256Sha256`.")
                .optional(),
        ],
        choose_one: &[],
        directional: true,
    },
];

/// A keyword that starts an item but declares no kind of its own: `flow`, `component`, `import`.
#[derive(Debug)]
pub struct ItemKeywordDecl {
    pub name: &'static str,
    /// The item's form, for hover and the reference.
    pub form: &'static str,
    /// The editor snippet completion inserts (`$1`… are tab stops).
    pub snippet: &'static str,
    pub doc: &'static str,
}

/// Every item keyword besides the declaration kinds, declared once: completion, hover and the
/// generated reference read it.
pub const ITEM_KEYWORDS: &[ItemKeywordDecl] = &[
    ItemKeywordDecl {
        name: "flow",
        form: "flow A -> B -> C",
        snippet: "flow ${1:from} -> ${2:to}",
        doc: "Connects components: a part leaving each one goes on to the next. A component \
              with several successors offers its part to the first, in flow order, that can \
              take it, unless a `route` draws one.",
    },
    ItemKeywordDecl {
        name: "component",
        form: "component Name(param: Type = default, …) : kind { … }",
        snippet: "component ${1:Name}(${2:param}: ${3:Duration}) : ${4:station} {\n\t$0\n}",
        doc: "A reusable template with typed parameters: `station w1 : Name(param = …)` makes \
              an instance of it.",
    },
    ItemKeywordDecl {
        name: "import",
        form: "import \"path.fab\"",
        snippet: "import \"$1\"",
        doc: "Brings another file's declarations into scope; `\"std/…\"` names the standard \
              library. Imports are transitive.",
    },
];

/// Looks an item keyword up (`flow`, `component`, `import`).
pub fn item_keyword(name: &str) -> Option<&'static ItemKeywordDecl> {
    ITEM_KEYWORDS.iter().find(|keyword| keyword.name == name)
}

/// Looks a declaration kind up by its keyword.
pub fn kind(name: &str) -> Option<&'static KindDecl> {
    KINDS.iter().find(|kind| kind.name == name)
}

/// Looks a non-distribution callable up.
pub fn callable(name: &str) -> Option<&'static CallableDecl> {
    CALLABLES.iter().find(|callable| callable.name == name)
}

impl KindDecl {
    pub fn field(&self, name: &str) -> Option<&'static FieldDecl> {
        self.fields.iter().find(|field| field.name == name)
    }

    pub fn nested(&self, keyword: &str) -> Option<&'static NestedDecl> {
        self.nested.iter().find(|nested| nested.keyword == keyword)
    }
}

/// Finds a field by name in a list of declarations.
pub fn find_field(fields: &'static [FieldDecl], name: &str) -> Option<&'static FieldDecl> {
    fields.iter().find(|field| field.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_are_unique_within_each_kind() {
        for kind in KINDS {
            for (index, field) in kind.fields.iter().enumerate() {
                assert!(
                    kind.fields[index + 1..].iter().all(|other| other.name != field.name),
                    "{}.{}",
                    kind.name,
                    field.name
                );
                assert!(!field.doc.is_empty());
            }
        }
    }

    /// A money measure is reported in the model's currency, every other in its own unit.
    #[test]
    fn money_measures_are_reported_in_the_currency() {
        let unit = |name: &str, currency| measure_decl(name).unwrap().reported_unit(currency);
        assert_eq!(unit("cost_rate", Some("EUR")), "EUR/h");
        assert_eq!(unit("cost_per_part", Some("USD")), "USD");
        assert_eq!(unit("cost_rate", None), "/h");
        assert_eq!(unit("throughput", Some("EUR")), "parts/h");
    }

    /// The measures of the parts delivered are the lead times and the cost per part.
    #[test]
    fn the_measures_of_the_parts_delivered_are_declared() {
        let delivered: Vec<&str> =
            MEASURES.iter().filter(|m| m.of_parts_delivered).map(|m| m.name).collect();
        assert_eq!(delivered, ["lead_time", "lead_time_p50", "lead_time_p95", "cost_per_part"]);
    }
}
