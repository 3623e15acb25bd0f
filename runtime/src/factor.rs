//! Factors: the numeric inputs a designed experiment or a sensitivity analysis varies.
//!
//! A factor names one number of the model (`vary b1.capacity in 1..=10`, `vary
//! weld.cycle.mean in 50 s .. 70 s`) and the range it takes. [`Factor::apply`] sets it in a copy
//! of the model's IR, so a design point is an ordinary model: the engine knows nothing of
//! factors, and every point draws from the same random streams (common random numbers).

use crate::analysis::design::{self, WholeNumbers};
use crate::model::{
    Arrivals, ComponentId, ComponentKind, FailureLaw, Maintenance, Model, PreventivePolicy,
};
use fab_stdlib::dist::Distribution;
use serde::{Deserialize, Serialize};

/// A number a study varies, and its range.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Factor {
    /// The path as written, e.g. `weld.cycle.mean`.
    pub path: String,
    pub component: ComponentId,
    pub target: FactorTarget,
    /// The range, SI.
    pub low: f64,
    pub high: f64,
    /// Only whole numbers (capacities, server counts).
    pub integer: bool,
    /// The unit the range was written in, for reports (`s`, `min`, ``), and its size in SI.
    pub unit: String,
    pub unit_scale: f64,
}

/// Which number of the component a factor sets.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactorTarget {
    /// A buffer's capacity.
    Capacity,
    /// A station's or robot's number of servers.
    Parallel,
    /// A conveyor's speed, length or spacing.
    ConveyorSpeed,
    ConveyorLength,
    ConveyorSpacing,
    /// A robot's speed or acceleration limit, from which its motion time follows.
    RobotSpeed,
    RobotAccel,
    /// A number of a station's or robot's maintenance strategy.
    Maintenance(MaintenanceParameter),
    /// A parameter of one of the component's distributions (see
    /// [`Distribution::with_parameter`]).
    Parameter {
        field: DistributionField,
        param: String,
    },
}

/// A distribution-valued field of a component.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DistributionField {
    Cycle,
    /// A robot's process time, added to its motion time.
    Process,
    Setup,
    Interarrival,
    /// The life of the failure mode with this name.
    Life(String),
    /// The repair time of the failure mode with this name.
    Repair(String),
}

impl Factor {
    /// The model with this factor set to `value` (SI; rounded for an integer factor). A
    /// distribution's parameter is set alone, over the law's other parameters as they are: the
    /// parameters of one law a point varies together are set by [`apply_point`], all at once.
    pub fn apply(&self, model: &mut Model, value: f64) -> Result<(), String> {
        if matches!(self.target, FactorTarget::Parameter { .. }) {
            return apply_to_law(&[(self, value)], model);
        }
        let value = self.value(value);
        let fail = |why: String| {
            Err(format!("cannot set `{}` to {}: {why}", self.path, self.with_unit(value)))
        };
        if let Err(why) = self.target.check(value) {
            return fail(why);
        }
        let component = &mut model.graph[self.component.node()];
        match (&self.target, &mut component.kind) {
            (FactorTarget::Capacity, ComponentKind::Buffer(buffer)) => {
                buffer.capacity = Some(value as u64);
            }
            (FactorTarget::Parallel, ComponentKind::Station(station)) => {
                station.parallel = value as u32;
            }
            (FactorTarget::Parallel, ComponentKind::Robot(robot)) => {
                robot.station.parallel = value as u32;
            }
            (FactorTarget::ConveyorSpeed, ComponentKind::Conveyor(c)) => c.speed = value,
            (FactorTarget::ConveyorLength, ComponentKind::Conveyor(c)) => c.length = value,
            (FactorTarget::ConveyorSpacing, ComponentKind::Conveyor(c)) => c.spacing = value,
            (FactorTarget::RobotSpeed, ComponentKind::Robot(r)) => r.motion.speed = Some(value),
            (FactorTarget::RobotAccel, ComponentKind::Robot(r)) => r.motion.accel = Some(value),
            (FactorTarget::Maintenance(parameter), ComponentKind::Station(station)) => {
                parameter.set(&mut station.maintenance, value).or_else(fail)?;
            }
            (FactorTarget::Maintenance(parameter), ComponentKind::Robot(robot)) => {
                parameter.set(&mut robot.station.maintenance, value).or_else(fail)?;
            }
            _ => return fail("the component has no such field".into()),
        }
        Ok(())
    }

    /// `value` as the factor takes it: rounded for an integer factor.
    fn value(&self, value: f64) -> f64 {
        if self.integer { value.round() } else { value }
    }

    /// The distribution this factor sets a parameter of: its component and field, and the
    /// parameter's name. `None` for a factor that sets a number of its own.
    fn law(&self) -> Option<(ComponentId, &DistributionField, &str)> {
        match &self.target {
            FactorTarget::Parameter { field, param } => Some((self.component, field, param)),
            _ => None,
        }
    }

    /// Whether the range holds one value: `8 s..=8 s`, or whole numbers `5..=5`. A design runs
    /// it as one level and a search holds it there; a sensitivity study has nothing to measure.
    pub fn takes_one_value(&self) -> bool {
        match self.integer {
            true => self.whole_numbers().is_some_and(|whole| whole.count() == 1),
            false => self.low == self.high,
        }
    }

    /// Whether a whole-number factor's range holds no whole number (`4.2..=4.8`), and so no
    /// value to run. The checker refuses such a range in a model (E0205, E0703).
    pub fn holds_no_value(&self) -> bool {
        self.integer && self.whole_numbers().is_none()
    }

    /// The whole numbers of the range ([`design::whole_numbers`]), for a whole-number factor.
    pub fn whole_numbers(&self) -> Option<WholeNumbers> {
        design::whole_numbers(self.low, self.high).filter(|_| self.integer)
    }

    /// A value in the factor's unit, for reports.
    pub fn display(&self, value: f64) -> f64 {
        if self.unit_scale > 0.0 { value / self.unit_scale } else { value }
    }

    /// A value (SI) in the factor's unit, with the unit: `10 h`, not 36000.
    pub fn with_unit(&self, value: f64) -> String {
        fab_stdlib::units::with_unit(&self.display(value).to_string(), &self.unit)
    }
}

/// Sets each of `factors` to its value of `point` (SI, in factor order) in `model`: a design
/// point as a model. The parameters of one distribution are set together
/// ([`Distribution::with_parameters`]: by stage, so a distribution's `mean` varied with its
/// `shape` is the mean at every point, whichever `vary` comes first), and the law they make is
/// checked once: a uniform's `min` of 20 s and `max` of 30 s make a law whatever the `max` was
/// before, where setting `min` first over a `max` of 15 s used to stop the study. Fails on a value
/// a factor cannot take, and on two parameters of one law that would overwrite each other, which
/// the law refuses ([`fab_stdlib::dist::parameters_contradict`]; the checker refuses them as
/// E0703).
pub fn apply_point(factors: &[Factor], point: &[f64], model: &mut Model) -> Result<(), String> {
    // The laws the point varies, each with its factors, in the order they are first named.
    let mut laws: Vec<Vec<(&Factor, f64)>> = Vec::new();
    for (factor, &value) in factors.iter().zip(point) {
        let Some((component, field, _)) = factor.law() else {
            factor.apply(model, value)?;
            continue;
        };
        let same_law = |set: &&mut Vec<(&Factor, f64)>| {
            set[0].0.law().is_some_and(|(c, f, _)| c == component && f == field)
        };
        match laws.iter_mut().find(same_law) {
            Some(set) => set.push((factor, value)),
            None => laws.push(vec![(factor, value)]),
        }
    }
    for set in laws {
        apply_to_law(&set, model)?;
    }
    Ok(())
}

/// Sets the parameters of one distribution, each factor of `set` to its value: all at once, so
/// that the law is checked as it runs, not on the way there.
fn apply_to_law(set: &[(&Factor, f64)], model: &mut Model) -> Result<(), String> {
    let Some((component, field, _)) = set.first().and_then(|(factor, _)| factor.law()) else {
        return Ok(());
    };
    let values: Vec<(&str, f64)> = set
        .iter()
        .filter_map(|(factor, value)| Some((factor.law()?.2, factor.value(*value))))
        .collect();
    let fail = |why: String| {
        let settings: Vec<String> = set
            .iter()
            .map(|(factor, value)| {
                format!("`{}` to {}", factor.path, factor.with_unit(factor.value(*value)))
            })
            .collect();
        Err(format!("cannot set {}: {why}", settings.join(" and ")))
    };
    let kind = &mut model.graph[component.node()].kind;
    let Some(distribution) = distribution_mut(kind, field) else {
        return fail(format!("the component has no {}", field.describe()));
    };
    match distribution.with_parameters(&values) {
        Ok(law) => *distribution = law,
        Err(why) => return fail(why.to_string()),
    }
    Ok(())
}

impl FactorTarget {
    /// The target of a `vary` path's field when it names a number of the component itself
    /// (`capacity`, `parallel`, a conveyor's `speed`, `length`, `spacing`, a robot's `speed`,
    /// `accel`), for a component of kind `kind` (its keyword).
    pub fn number(kind: &str, field: &str) -> Option<FactorTarget> {
        Some(match (kind, field) {
            (_, "capacity") => FactorTarget::Capacity,
            (_, "parallel") => FactorTarget::Parallel,
            ("robot", "speed") => FactorTarget::RobotSpeed,
            ("robot", "accel") => FactorTarget::RobotAccel,
            (_, "speed") => FactorTarget::ConveyorSpeed,
            (_, "length") => FactorTarget::ConveyorLength,
            (_, "spacing") => FactorTarget::ConveyorSpacing,
            _ => return None,
        })
    }

    /// Whether `value` (SI) is one this target takes, saying why not (without the value, which
    /// the caller shows in the user's unit). A distribution's parameter depends on its family:
    /// see [`Distribution::with_parameter`].
    pub fn check(&self, value: f64) -> Result<(), String> {
        let most_servers = f64::from(fab_stdlib::catalog::MAX_SERVERS);
        let (valid, why) = match self {
            FactorTarget::Capacity => (value >= 0.0, "a capacity cannot be negative"),
            FactorTarget::Parallel if value > most_servers => {
                return Err(format!(
                    "a station has at most {} servers",
                    fab_stdlib::catalog::MAX_SERVERS
                ));
            }
            FactorTarget::Parallel => (value >= 1.0, "a station needs at least one server"),
            FactorTarget::ConveyorSpeed => (value > 0.0, "a conveyor's speed must be > 0"),
            FactorTarget::ConveyorLength => (value > 0.0, "a conveyor's length must be > 0"),
            FactorTarget::ConveyorSpacing => (value >= 0.0, "a spacing cannot be negative"),
            FactorTarget::RobotSpeed => (value > 0.0, "a robot's speed must be > 0"),
            FactorTarget::RobotAccel => (value > 0.0, "a robot's acceleration must be > 0"),
            FactorTarget::Maintenance(parameter) => return parameter.check(value),
            FactorTarget::Parameter { .. } => (true, ""),
        };
        if valid && value.is_finite() { Ok(()) } else { Err(why.to_string()) }
    }
}

/// A number of a maintenance strategy that a factor sets: the `.fab` parameter of the same name.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaintenanceParameter {
    /// `every` of `preventive` or `opportunistic`, s.
    Every,
    /// `age` of `preventive` or `opportunistic` (age replacement), s.
    Age,
    /// `window` of `opportunistic`, s.
    Window,
    /// `threshold` of `predictive`, a share of the life (0–1).
    Threshold,
    /// `inspect_every` of `predictive`, s.
    InspectEvery,
    /// `detection` of `predictive`, a probability.
    Detection,
    /// `lead` of `predictive`, s.
    Lead,
}

impl MaintenanceParameter {
    /// Every parameter with its `.fab` name.
    pub const NAMES: [(MaintenanceParameter, &'static str); 7] = [
        (MaintenanceParameter::Every, "every"),
        (MaintenanceParameter::Age, "age"),
        (MaintenanceParameter::Window, "window"),
        (MaintenanceParameter::Threshold, "threshold"),
        (MaintenanceParameter::InspectEvery, "inspect_every"),
        (MaintenanceParameter::Detection, "detection"),
        (MaintenanceParameter::Lead, "lead"),
    ];

    /// The parameter of this `.fab` name.
    pub fn named(name: &str) -> Option<MaintenanceParameter> {
        Self::NAMES.iter().find(|(_, n)| *n == name).map(|(p, _)| *p)
    }

    pub fn name(self) -> &'static str {
        Self::NAMES.iter().find(|(p, _)| *p == self).map_or("", |(_, n)| n)
    }

    /// The strategies (`.fab` names) that have this parameter.
    pub fn strategies(self) -> &'static [&'static str] {
        use MaintenanceParameter as P;
        match self {
            P::Every | P::Age => &["preventive", "opportunistic"],
            P::Window => &["opportunistic"],
            P::Threshold | P::InspectEvery | P::Detection | P::Lead => &["predictive"],
        }
    }

    /// Whether `value` (SI) is valid for this parameter, saying why not (without the value).
    pub fn check(self, value: f64) -> Result<(), String> {
        use MaintenanceParameter as P;
        let (valid, range) = match self {
            P::Every | P::Age | P::InspectEvery => (value > 0.0, "must be > 0"),
            P::Window | P::Lead => (value >= 0.0, "cannot be negative"),
            P::Threshold => (value > 0.0 && value < 1.0, "must lie strictly between 0 and 100 %"),
            P::Detection => ((0.0..=1.0).contains(&value), "must lie between 0 and 100 %"),
        };
        if valid && value.is_finite() {
            Ok(())
        } else {
            Err(format!("a maintenance `{}` {range}", self.name()))
        }
    }

    /// Sets the parameter of `maintenance`, which must be a strategy that has it.
    fn set(self, maintenance: &mut Maintenance, value: f64) -> Result<(), String> {
        use MaintenanceParameter as P;
        let name = self.name();
        self.check(value)?;
        let wanted =
            |p| if p == P::Age { PreventivePolicy::Age } else { PreventivePolicy::Interval };
        match (self, maintenance) {
            (
                P::Every | P::Age,
                Maintenance::Preventive { every, policy, .. }
                | Maintenance::Opportunistic { every, policy, .. },
            ) if *policy == wanted(self) => *every = value,
            (P::Window, Maintenance::Opportunistic { window, .. }) => *window = value,
            (P::Threshold, Maintenance::Predictive { threshold, .. }) => *threshold = value,
            (P::InspectEvery, Maintenance::Predictive { inspect_every, .. }) => {
                *inspect_every = Some(value);
            }
            (P::Detection, Maintenance::Predictive { detection, .. }) => *detection = value,
            (P::Lead, Maintenance::Predictive { lead, .. }) => *lead = value,
            _ => return Err(format!("the station's maintenance has no `{name}` to vary")),
        }
        Ok(())
    }
}

impl DistributionField {
    /// The distribution field that a component's own field of this `.fab` name is: `cycle`,
    /// `process`, `setup`, `interarrival`, and `failure` and `repair`, the shorthand failure
    /// mode's life and repair (the mode named `failure`). `None` for a field that is no law the
    /// engine samples.
    pub fn of_component(name: &str) -> Option<DistributionField> {
        Some(match name {
            "cycle" => DistributionField::Cycle,
            "process" => DistributionField::Process,
            "setup" => DistributionField::Setup,
            "interarrival" => DistributionField::Interarrival,
            "failure" => DistributionField::Life("failure".into()),
            "repair" => DistributionField::Repair("failure".into()),
            _ => return None,
        })
    }

    /// The distribution field that the field of this `.fab` name of the failure mode `mode` is:
    /// its life (`after`) or its `repair`.
    pub fn of_mode(mode: &str, name: &str) -> Option<DistributionField> {
        match name {
            "after" => Some(DistributionField::Life(mode.into())),
            "repair" => Some(DistributionField::Repair(mode.into())),
            _ => None,
        }
    }

    /// Whether the field belongs to a failure mode.
    pub fn is_of_mode(&self) -> bool {
        matches!(self, DistributionField::Life(_) | DistributionField::Repair(_))
    }

    /// The field as a `vary` path writes it after the component: `cycle`, `failure` (the
    /// shorthand failure mode's life), `wear.after`, `wear.repair`.
    pub fn path(&self) -> String {
        match self {
            DistributionField::Cycle => "cycle".into(),
            DistributionField::Process => "process".into(),
            DistributionField::Setup => "setup".into(),
            DistributionField::Interarrival => "interarrival".into(),
            DistributionField::Life(mode) if mode == "failure" => "failure".into(),
            DistributionField::Repair(mode) if mode == "failure" => "repair".into(),
            DistributionField::Life(mode) => format!("{mode}.after"),
            DistributionField::Repair(mode) => format!("{mode}.repair"),
        }
    }

    pub(crate) fn describe(&self) -> String {
        match self {
            DistributionField::Cycle => "cycle time".into(),
            DistributionField::Process => "process time".into(),
            DistributionField::Setup => "setup time".into(),
            DistributionField::Interarrival => "interarrival time".into(),
            DistributionField::Life(mode) => format!("failure mode `{mode}` with a time law"),
            DistributionField::Repair(mode) => format!("failure mode `{mode}`"),
        }
    }
}

/// A copy of the distribution of `field` in a component of this kind, if it has one.
pub fn distribution_of(kind: &ComponentKind, field: &DistributionField) -> Option<Distribution> {
    distribution_mut(&mut kind.clone(), field).cloned()
}

/// The distribution of `field` in a component of this kind, if it has one.
pub(crate) fn distribution_mut<'a>(
    kind: &'a mut ComponentKind,
    field: &DistributionField,
) -> Option<&'a mut Distribution> {
    let station = match kind {
        ComponentKind::Station(station) => Some(station),
        ComponentKind::Robot(robot) => {
            if *field == DistributionField::Process {
                return robot.motion.process.as_mut();
            }
            Some(&mut robot.station)
        }
        ComponentKind::Source(source) => {
            return match (&mut source.arrivals, field) {
                (Arrivals::Interarrival(d), DistributionField::Interarrival) => Some(d),
                _ => None,
            };
        }
        _ => None,
    }?;
    match field {
        DistributionField::Cycle => Some(&mut station.cycle),
        DistributionField::Setup => station.setup.as_mut(),
        DistributionField::Interarrival | DistributionField::Process => None,
        DistributionField::Life(mode) => {
            station.failures.iter_mut().find(|m| &m.name == mode).and_then(|m| match &mut m.law {
                FailureLaw::Time { life, .. } => Some(life),
                FailureLaw::Cycles(_) => None,
            })
        }
        DistributionField::Repair(mode) => {
            station.failures.iter_mut().find(|m| &m.name == mode).map(|m| &mut m.repair)
        }
    }
}
