//! Input uncertainty: how much of a result's uncertainty comes from distributions fitted to a
//! finite sample of data, rather than from the simulation's own randomness.
//!
//! # What is run
//!
//! A model records its inputs made from data ([`FittedInput`]): every `fit(…)` with the data, the
//! family the fit chose and its maximum-likelihood estimate with covariance, and every
//! `empirical(…)` with its values. An experiment with `input_uncertainty = B` runs `B`
//! *macro-replications*. Macro-replication `b` replaces each input by a draw from its sampling
//! distribution, then runs the experiment's `R` replications of that model:
//!
//! - **bootstrap** (the default): the data are resampled with replacement and the *same family*
//!   is refitted by maximum likelihood ([`fab_stdlib::fit::fit_family`]). The family is kept
//!   fixed: choosing it again on each resample would mix model selection into the estimate of
//!   parameter uncertainty. A resample the family cannot be fitted to (a 3-parameter profile
//!   without an interior peak, say) is drawn again, and the count is reported.
//! - **parametric**: the parameters are drawn from the estimate's asymptotic normal law, `Σ̂`
//!   the inverse observed information, through a Cholesky factor. A parameter positive by
//!   nature (a shape, a scale, a mean, an sd, a lognormal's `σ`) is drawn on the log scale:
//!   `log θ ~ N(log θ̂, D⁻¹ Σ̂ D⁻¹)`, `D = diag(θ̂)`, the delta method's law of `log θ̂`, which is
//!   as right asymptotically as `N(θ̂, Σ̂)` and much closer for small samples: drawn on its own
//!   scale a shape and a scale with 20 % relative errors reach 0 and their product (the mean)
//!   gets a heavy lower tail, so a throughput's input variance came out 25 times the delta
//!   method's. A parameter that may take any value (a normal's mean, a location, a lognormal's
//!   `μ`) is drawn on its own scale. Parameters without a standard error (Erlang's whole-number
//!   `k`) stay at their estimate. A draw outside the parameter space (a location below 0 for a
//!   quantity that cannot be negative, a law without a finite mean) is rejected and drawn again,
//!   and the count is reported; this truncates the law to the parameter space. A family without
//!   standard errors (uniform, triangular, PERT: their support's ends are parameters) is
//!   refused: use the bootstrap.
//! - an `empirical(…)` input has no parameters: under either method its values are resampled with
//!   replacement (the bootstrap is its sampling distribution).
//!
//! Every draw of input `i` in macro-replication `b` comes from the stream (seed, `b`, the input's
//! name `component.field`, `input_bootstrap` or `input_parametric`), so adding an input changes no
//! other input's draws and no simulation stream. Every macro-replication runs replications
//! `0..R` with the same seeds (common random numbers): the differences between macro-replications
//! come from their inputs.
//!
//! # What is reported
//!
//! Per measure, the random-effects decomposition of the `B × R` replication values
//! ([`crate::analysis::variance`]): the input and stochastic variances, the input share
//! `σ²_I / (σ²_I + σ²_S)`, and intervals with and without input uncertainty. With common random
//! numbers across macro-replications `MS_within` still estimates the stochastic variance (the
//! replications within one macro-replication are independent); the input variance is taken
//! against the two-way residual, which removes the noise the macro-replications share.

use crate::analysis::variance::{VarianceComponents, variance_components};
use crate::designed::{self, run_models};
use crate::engine::RunError;
use crate::factor::{DistributionField, distribution_mut};
use crate::model::{ComponentId, Experiment, Model};
use crate::results::{PointDeadlock, point_deadlocks};
use fab_stdlib::catalog::{MIN_INPUT_UNCERTAINTY_REPLICATIONS, MIN_MACRO_REPLICATIONS};
use fab_stdlib::dist::Distribution;
use fab_stdlib::fit::{Family, Sample, fit_family};
use fab_stdlib::random::Stream;
use fab_stdlib::sample::standard_normal_quantile;
use serde::{Deserialize, Serialize};

/// A distribution of the model made from data.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct FittedInput {
    /// `component.field`, as a `vary` path writes it: `weld.cycle`, `press.wear.after`.
    pub name: String,
    pub component: ComponentId,
    pub field: DistributionField,
    /// The data file, as the workspace names it, and the column.
    pub file: String,
    pub column: String,
    /// The observations in the file's units; `value × unit_factor` is SI.
    pub values: Vec<f64>,
    pub unit_factor: f64,
    /// The variable cannot be negative (a duration, a length).
    pub non_negative: bool,
    pub kind: InputKind,
    /// The distribution the model was built with, SI. A scenario that replaced it leaves the
    /// input out.
    pub distribution: Distribution,
}

/// How an input was made from its data.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InputKind {
    /// `fit(…)`: the family chosen, its estimate (in the family's parameter order and the file's
    /// units) and the estimate's covariance (NaN rows for parameters without a standard error).
    Fitted { family: Family, parameters: Vec<f64>, covariance: Option<Vec<Vec<f64>>> },
    /// `empirical(…)`: the values themselves.
    Empirical,
}

/// `input_uncertainty = B` and `input_method`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct InputUncertainty {
    pub macro_replications: u32,
    pub method: InputMethod,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputMethod {
    #[default]
    Bootstrap,
    Parametric,
}

impl InputMethod {
    pub fn name(self) -> &'static str {
        match self {
            InputMethod::Bootstrap => "bootstrap",
            InputMethod::Parametric => "parametric",
        }
    }

    /// The method of this name (`bootstrap`, `parametric`).
    pub fn from_name(name: &str) -> Option<InputMethod> {
        match name {
            "bootstrap" => Some(InputMethod::Bootstrap),
            "parametric" => Some(InputMethod::Parametric),
            _ => None,
        }
    }
}

/// One macro-replication's version of an input.
#[derive(Clone, Debug, PartialEq)]
pub struct InputDraw {
    /// In SI, ready to put in the model.
    pub distribution: Distribution,
    /// The parameters it was made from, in the family's order and the file's units (for an
    /// empirical input: the resample's mean, SI).
    pub parameters: Vec<f64>,
    /// Resamples that could not be fitted, or parametric draws outside the parameter space, that
    /// were drawn again.
    pub redrawn: u32,
}

/// The most draws tried for one input in one macro-replication before giving up.
pub const MAX_ATTEMPTS: u32 = 1000;

impl FittedInput {
    /// The name of the stream its redraws come from. Inputs made from one data set (template
    /// instances fitting one column, stations resampling one column) redraw it together, with
    /// the same resample or parameter draw, since they share its one sampling error. The data
    /// set is named by its values, and a fit's by its column too, never by where the file lies,
    /// so a model gives the same bits from any folder. An `empirical(…)` input knows its values
    /// only (in SI): each station resampling one column drew its own resample, which understated
    /// the input variance of k stations about k times.
    fn stream_key(&self) -> String {
        let hash =
            crate::experiment::fnv1a(self.values.iter().flat_map(|v| v.to_bits().to_le_bytes()));
        match self.kind {
            InputKind::Empirical => format!("values {hash:016x}"),
            InputKind::Fitted { .. } => format!("data {} {hash:016x}", self.column),
        }
    }

    /// The names of [`InputDraw::parameters`].
    pub fn parameter_names(&self) -> Vec<String> {
        match &self.kind {
            InputKind::Fitted { family, .. } => {
                family.parameter_names().iter().map(|n| n.to_string()).collect()
            }
            InputKind::Empirical => vec!["mean".to_string()],
        }
    }

    /// The family's key, or `empirical`.
    pub fn family_name(&self) -> &'static str {
        match &self.kind {
            InputKind::Fitted { family, .. } => family.key(),
            InputKind::Empirical => "empirical",
        }
    }

    /// The estimate the model was built with (for an empirical input: the data's mean, SI).
    pub fn estimate(&self) -> Vec<f64> {
        match &self.kind {
            InputKind::Fitted { parameters, .. } => parameters.clone(),
            InputKind::Empirical => vec![mean(&self.values) * self.unit_factor],
        }
    }

    /// This input ready to be drawn by `method` in every macro-replication, or why `method`
    /// cannot draw it: a parametric draw of a fit without a law to draw its parameters from
    /// ([`parametric_problem`]; an `empirical(…)` input is resampled under either method).
    /// The parametric law, with its Cholesky factor, is made here once, not at every draw.
    pub fn sampler(&self, method: InputMethod) -> Result<InputSampler<'_>, String> {
        let how = match (&self.kind, method) {
            (InputKind::Empirical, _) => Drawing::Resample,
            (InputKind::Fitted { family, .. }, InputMethod::Bootstrap) => Drawing::Refit(*family),
            (InputKind::Fitted { family, parameters, covariance }, InputMethod::Parametric) => {
                let law = parametric_law(*family, parameters, covariance.as_deref())
                    .map_err(|why| parametric_refusal_of(&self.name, &why))?;
                Drawing::Parametric { family: *family, estimate: parameters, law }
            }
        };
        Ok(InputSampler { input: self, how })
    }

    fn resample(&self, stream: &mut Stream) -> Vec<f64> {
        let n = self.values.len() as u64;
        (0..n).map(|_| self.values[stream.below(n) as usize]).collect()
    }

    fn resample_empirical(&self, stream: &mut Stream) -> InputDraw {
        let values: Vec<f64> =
            self.resample(stream).into_iter().map(|v| v * self.unit_factor).collect();
        InputDraw {
            parameters: vec![mean(&values)],
            distribution: Distribution::Empirical { values },
            redrawn: 0,
        }
    }

    fn bootstrap(&self, family: Family, stream: &mut Stream) -> Result<InputDraw, String> {
        let mut last = String::new();
        for redrawn in 0..MAX_ATTEMPTS {
            let resample = self.resample(stream);
            let fitted = Sample::complete(&resample)
                .map_err(|e| e.to_string())
                .and_then(|sample| fit_family(&sample, family, self.non_negative));
            match fitted {
                Ok(fit) => {
                    return Ok(InputDraw {
                        distribution: fit.distribution.scaled(self.unit_factor),
                        parameters: fit.values(),
                        redrawn,
                    });
                }
                Err(why) => last = why,
            }
        }
        Err(format!(
            "input `{}`: the {} could not be refitted to {MAX_ATTEMPTS} resamples of its data in a \
             row (the last: {last})",
            self.name,
            family.label()
        ))
    }

    fn parametric(
        &self,
        family: Family,
        estimate: &[f64],
        law: &ParametricLaw,
        stream: &mut Stream,
    ) -> Result<InputDraw, String> {
        let ParametricLaw { free, on_log_scale, factor } = law;
        for redrawn in 0..MAX_ATTEMPTS {
            let z: Vec<f64> =
                free.iter().map(|_| standard_normal_quantile(stream.uniform())).collect();
            let mut parameters = estimate.to_vec();
            for (row, &i) in free.iter().enumerate() {
                let step = (0..=row).map(|k| factor[row][k] * z[k]).sum::<f64>();
                if on_log_scale[row] {
                    parameters[i] *= libm::exp(step);
                } else {
                    parameters[i] += step;
                }
            }
            if self.in_domain(family, &parameters) {
                let distribution = family.distribution(&parameters, self.non_negative);
                return Ok(InputDraw {
                    distribution: distribution.scaled(self.unit_factor),
                    parameters,
                    redrawn,
                });
            }
        }
        Err(format!(
            "input `{}`: {MAX_ATTEMPTS} draws in a row fell outside the parameter space of the {}",
            self.name,
            family.label()
        ))
    }

    /// Whether parameters `p` make a distribution of the family: finite, with a finite mean,
    /// positive where the family needs it, and for a quantity that cannot be negative, a support starting at 0 or
    /// above (a normal is truncated at 0 instead).
    fn in_domain(&self, family: Family, p: &[f64]) -> bool {
        if p.iter()
            .enumerate()
            .any(|(i, x)| !x.is_finite() || (family.parameter_is_positive(i) && *x <= 0.0))
        {
            return false;
        }
        // A draw whose law has no finite mean (a Weibull shape drawn near 0) is no model input.
        let law = family.distribution(p, false);
        if !law.is_finite() {
            return false;
        }
        if self.non_negative && family != Family::Normal {
            return law.support().0 >= 0.0;
        }
        true
    }

    /// Puts `distribution` in the model where this input is used.
    pub fn set(&self, model: &mut Model, distribution: Distribution) -> Result<(), String> {
        let component = &mut model.graph[self.component.node()];
        match distribution_mut(&mut component.kind, &self.field) {
            Some(slot) => {
                *slot = distribution;
                Ok(())
            }
            None => Err(format!(
                "input `{}`: the component has no {}",
                self.name,
                self.field.describe()
            )),
        }
    }
}

/// An input and how each macro-replication draws it ([`FittedInput::sampler`]).
pub struct InputSampler<'a> {
    input: &'a FittedInput,
    how: Drawing<'a>,
}

enum Drawing<'a> {
    /// An `empirical(…)` input: its values resampled.
    Resample,
    /// A fit refitted to a resample of its data (the bootstrap).
    Refit(Family),
    /// A fit's parameters drawn from the law of their estimate.
    Parametric { family: Family, estimate: &'a [f64], law: ParametricLaw },
}

impl InputSampler<'_> {
    /// One macro-replication's version of the input, drawn from `stream`.
    pub fn draw(&self, stream: &mut Stream) -> Result<InputDraw, String> {
        match &self.how {
            Drawing::Resample => Ok(self.input.resample_empirical(stream)),
            Drawing::Refit(family) => self.input.bootstrap(*family, stream),
            Drawing::Parametric { family, estimate, law } => {
                self.input.parametric(*family, estimate, law, stream)
            }
        }
    }
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len().max(1) as f64
}

/// The lower-triangular `L` with `L Lᵀ = a`, or `None` when `a` is not positive definite.
fn cholesky(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let sum: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = a[i][i] - sum;
                if d.is_nan() || d <= 0.0 || !d.is_finite() {
                    return None;
                }
                l[i][j] = libm::sqrt(d);
            } else {
                l[i][j] = (a[i][j] - sum) / l[j][j];
                if !l[i][j].is_finite() {
                    return None;
                }
            }
        }
    }
    Some(l)
}

/// The results of an input-uncertainty study.
#[derive(Clone, Debug, Serialize)]
pub struct InputUncertaintyResults {
    pub experiment: String,
    /// The scenario of `experiment` that ran, if any (set by the caller).
    pub scenario: Option<String>,
    pub method: String,
    pub macro_replications: u32,
    pub replications: u32,
    pub seed: u64,
    pub confidence: f64,
    pub inputs: Vec<InputSummary>,
    /// Per measure with any non-zero value.
    pub measures: Vec<MeasureUncertainty>,
    /// Per macro-replication: each input's parameters and each measure's mean.
    pub by_macro_replication: Vec<MacroReplication>,
    /// The replications that came to a standstill, `point` being the macro-replication (absent
    /// when none did).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deadlocks: Vec<PointDeadlock>,
}

/// An input as reported.
#[derive(Clone, Debug, Serialize)]
pub struct InputSummary {
    pub name: String,
    pub file: String,
    pub column: String,
    /// The family's key, or `empirical`.
    pub family: String,
    /// How it was drawn: `bootstrap` or `parametric` (an empirical input is always resampled).
    pub method: String,
    pub observations: usize,
    pub parameters: Vec<String>,
    /// The estimate the model was built with.
    pub estimate: Vec<f64>,
    /// Draws made again over all macro-replications (see [`InputDraw::redrawn`]).
    pub redrawn: u32,
}

/// One measure's variance decomposition.
#[derive(Clone, Debug, Serialize)]
pub struct MeasureUncertainty {
    pub measure: String,
    pub unit: String,
    pub mean: f64,
    pub input_variance: f64,
    pub stochastic_variance: f64,
    pub input_share: f64,
    pub stochastic_share: f64,
    pub half_width_with_input: f64,
    pub half_width_stochastic: f64,
    pub ms_groups: f64,
    pub ms_residual: f64,
    pub ms_within: f64,
    /// The degrees of freedom `ν` of the interval with input uncertainty, `t_ν √V` being its
    /// half-width: `R − 1` with no input variance, tending to `B − 1` as it dominates.
    pub degrees_of_freedom_with_input: f64,
    /// Why the measure has no decomposition (every number but `mean` is then NaN, `null` in
    /// JSON): a replication without a value, such as the lead time when no part was delivered.
    /// The analysis of variance needs every value, and leaving out the macro-replications
    /// without one would keep only the inputs that delivered, so none is made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct MacroReplication {
    /// Per input, in input order.
    pub parameters: Vec<Vec<f64>>,
    /// Per measure (the names of [`measures`](crate::designed::measures)), the mean over the
    /// replications.
    pub means: Vec<(String, f64)>,
}

/// What a parametric draw of a fitted family takes from its estimate: the parameters with a
/// standard error (`free`), whether each is drawn on the log scale, and the Cholesky factor of
/// their covariance on those scales.
struct ParametricLaw {
    free: Vec<usize>,
    on_log_scale: Vec<bool>,
    factor: Vec<Vec<f64>>,
}

/// The law a parametric draw of `family`'s parameters comes from, or why there is none.
fn parametric_law(
    family: Family,
    estimate: &[f64],
    covariance: Option<&[Vec<f64>]>,
) -> Result<ParametricLaw, String> {
    let Some(covariance) = covariance else {
        return Err(format!("the {} has no standard errors", family.label()));
    };
    let free: Vec<usize> = (0..estimate.len())
        .filter(|&i| covariance[i][i].is_finite() && covariance[i][i] > 0.0)
        .collect();
    // A parameter positive by nature is drawn as its logarithm, whose covariance the delta
    // method gives as `D⁻¹ Σ̂ D⁻¹` with `D = diag(θ̂)`; one that may take any value (a
    // normal's mean, a location, a lognormal's `μ`) is drawn as it is.
    let on_log_scale: Vec<bool> =
        free.iter().map(|&i| family.parameter_is_positive(i) && estimate[i] > 0.0).collect();
    let scale = |row: usize| if on_log_scale[row] { estimate[free[row]] } else { 1.0 };
    let sub: Vec<Vec<f64>> = (0..free.len())
        .map(|a| {
            (0..free.len()).map(|b| covariance[free[a]][free[b]] / (scale(a) * scale(b))).collect()
        })
        .collect();
    match cholesky(&sub) {
        Some(factor) => Ok(ParametricLaw { free, on_log_scale, factor }),
        None => Err("the covariance of its estimate is not positive definite".to_string()),
    }
}

/// Why the parameters of `family`, estimated as `estimate` with `covariance` (in the family's
/// order, as [`InputKind::Fitted`] holds them), have no law a parametric draw can come from: a
/// family without standard errors (uniform, triangular, PERT, whose support's ends are
/// parameters), or a covariance that is not positive definite. The checker asks it of every
/// fitted input of a model with `input_method = parametric` (E0706), the run of every input
/// before `--input-method parametric` draws one.
pub fn parametric_problem(
    family: Family,
    estimate: &[f64],
    covariance: Option<&[Vec<f64>]>,
) -> Option<String> {
    parametric_law(family, estimate, covariance).err()
}

/// The refusal of a parametric draw of input `name`, for `why` ([`parametric_problem`]).
fn parametric_refusal_of(name: &str, why: &str) -> String {
    format!(
        "input `{name}`: {why}, so its parameters have no sampling distribution to draw from; use \
         `input_method = bootstrap`"
    )
}

/// Why `experiment`'s input uncertainty cannot measure what it reports, if it asks for it and
/// cannot: with fewer than [`MIN_MACRO_REPLICATIONS`] macro-replications there is no spread of the
/// inputs to measure, with fewer than [`MIN_INPUT_UNCERTAINTY_REPLICATIONS`] replications in each
/// none of the noise. `from` says where the number of macro-replications and the number of
/// replications came from (` (from `--replications`)`), or is empty. The checker holds a model's
/// own numbers to these rules (E0205), [`crate::experiment::Study::resolve`] the command line's.
pub fn too_few_runs(experiment: &Experiment, from: [&str; 2]) -> Option<String> {
    let InputUncertainty { macro_replications, .. } = experiment.input_uncertainty?;
    let [from_macro, from_replications] = from;
    if macro_replications < MIN_MACRO_REPLICATIONS {
        return Some(format!(
            "input uncertainty needs at least {MIN_MACRO_REPLICATIONS} macro-replications, not \
             {macro_replications}{from_macro}"
        ));
    }
    let replications = experiment.replications;
    (replications < MIN_INPUT_UNCERTAINTY_REPLICATIONS).then(|| {
        format!(
            "input uncertainty needs at least {MIN_INPUT_UNCERTAINTY_REPLICATIONS} replications \
             per macro-replication to measure the stochastic noise, not \
             {replications}{from_replications}"
        )
    })
}

/// Runs an experiment with `input_uncertainty` on `threads` threads (0: all cores).
pub fn run_input_uncertainty(
    model: &Model,
    experiment: &Experiment,
    threads: usize,
    progress: &(dyn Fn(u32, u32) + Sync),
) -> Result<InputUncertaintyResults, RunError> {
    // The checker refuses each of these in a model (E0706, E0205, E0206); the command line's
    // `--input-uncertainty`, `--input-method` and `--replications` meet them here.
    let refused = |code: &'static str, why: String| Err(RunError::Refused { code, why });
    let name = &experiment.name;
    let Some(InputUncertainty { macro_replications, method }) = experiment.input_uncertainty else {
        return Err(RunError::BadExperiment(format!(
            "experiment `{name}` asks for no input uncertainty"
        )));
    };
    // The inputs of the model as this run has it: the model's own, or a scenario's in place of
    // those of the distributions it replaced (the inputs of every scenario are listed, each with
    // the distribution it made).
    let mut inputs: Vec<&FittedInput> = Vec::new();
    for input in &model.inputs {
        let current =
            crate::factor::distribution_of(&model.component(input.component).kind, &input.field);
        if current.is_some_and(|d| d == input.distribution)
            && !inputs.iter().any(|kept| kept.name == input.name)
        {
            inputs.push(input);
        }
    }
    if inputs.is_empty() {
        return refused(
            "E0706",
            format!(
                "input uncertainty needs inputs made from data, and this model has none: write a \
                 distribution as `fit(\"data.csv\", column = …)` or `empirical(…)` to propagate \
                 the uncertainty of its data, as a cycle, a robot's process, a setup, an \
                 interarrival time, a failure's life or a repair (experiment `{name}`; a fit \
                 elsewhere, such as a maintenance duration, is no input; a scenario that replaces \
                 every such distribution leaves none)"
            ),
        );
    }
    if let Some(why) = too_few_runs(experiment, [""; 2]) {
        return refused("E0205", format!("experiment `{name}`: {why}"));
    }
    if experiment.warmup_auto || experiment.precision.is_some() || experiment.design.is_some() {
        return refused(
            "E0206",
            format!(
                "experiment `{name}`: every macro-replication of an input-uncertainty study runs \
                 the same replications and warm-up on the model as written; give `warmup` a \
                 duration, drop `precision` and `vary` (or run them as separate experiments)"
            ),
        );
    }
    let samplers: Vec<InputSampler> =
        match inputs.iter().map(|input| input.sampler(method)).collect() {
            Ok(samplers) => samplers,
            Err(why) => return refused("E0706", why),
        };
    let purpose = match method {
        InputMethod::Bootstrap => "input_bootstrap",
        InputMethod::Parametric => "input_parametric",
    };
    let mut models = Vec::with_capacity(macro_replications as usize);
    let mut parameters = Vec::with_capacity(macro_replications as usize);
    let mut redrawn = vec![0u32; inputs.len()];
    for b in 0..macro_replications {
        let mut variant = model.clone();
        let mut drawn = Vec::with_capacity(inputs.len());
        for (i, (input, sampler)) in inputs.iter().zip(&samplers).enumerate() {
            let mut stream = Stream::new(experiment.seed, b, &input.stream_key(), purpose);
            let draw = sampler.draw(&mut stream).map_err(RunError::BadExperiment)?;
            redrawn[i] += draw.redrawn;
            input.set(&mut variant, draw.distribution).map_err(RunError::BadExperiment)?;
            drawn.push(draw.parameters);
        }
        models.push(variant);
        parameters.push(drawn);
    }
    let results = run_models(&models, experiment, threads, progress)?;
    let mut measures = Vec::new();
    for measure in designed::measures() {
        let groups: Vec<Vec<f64>> =
            results.iter().map(|r| measure.stat(r).values.clone()).collect();
        if groups.iter().flatten().all(|x| *x == 0.0) {
            continue;
        }
        let missing = groups.iter().filter(|g| g.iter().any(|x| !x.is_finite())).count();
        let entry = match variance_components(&groups, experiment.confidence) {
            Some(c) => MeasureUncertainty::of(measure.name(), measure.unit(), &c),
            None => MeasureUncertainty::without_values(
                measure.name(),
                measure.unit(),
                &groups,
                format!(
                    "{missing} of {macro_replications} macro-replications have a replication \
                     without a value (no part delivered)"
                ),
            ),
        };
        measures.push(entry);
    }
    Ok(InputUncertaintyResults {
        experiment: experiment.name.clone(),
        scenario: None,
        method: method.name().to_string(),
        macro_replications,
        replications: experiment.replications,
        seed: experiment.seed,
        confidence: experiment.confidence,
        inputs: inputs
            .iter()
            .zip(&redrawn)
            .map(|(input, &redrawn)| InputSummary {
                name: input.name.clone(),
                file: input.file.clone(),
                column: input.column.clone(),
                family: input.family_name().to_string(),
                method: match input.kind {
                    InputKind::Empirical => "bootstrap".to_string(),
                    InputKind::Fitted { .. } => method.name().to_string(),
                },
                observations: input.values.len(),
                parameters: input.parameter_names(),
                estimate: input.estimate(),
                redrawn,
            })
            .collect(),
        measures,
        by_macro_replication: parameters
            .into_iter()
            .zip(&results)
            .map(|(parameters, r)| MacroReplication {
                parameters,
                means: designed::measures()
                    .map(|m| (m.name().to_string(), m.stat(r).mean))
                    .collect(),
            })
            .collect(),
        deadlocks: point_deadlocks(&results),
    })
}

impl MeasureUncertainty {
    fn of(measure: &str, unit: &str, c: &VarianceComponents) -> MeasureUncertainty {
        let total = c.input_variance + c.stochastic_variance;
        MeasureUncertainty {
            measure: measure.to_string(),
            unit: unit.to_string(),
            mean: c.grand_mean,
            input_variance: c.input_variance,
            stochastic_variance: c.stochastic_variance,
            input_share: c.input_share,
            // With no variance at all there is none to share: both shares are 0.
            stochastic_share: if total > 0.0 { 1.0 - c.input_share } else { 0.0 },
            half_width_with_input: c.half_width_with_input,
            half_width_stochastic: c.half_width_stochastic,
            ms_groups: c.ms_groups,
            ms_residual: c.ms_residual,
            ms_within: c.ms_within,
            degrees_of_freedom_with_input: c.degrees_of_freedom_with_input,
            note: None,
        }
    }

    /// A measure some replication has no value of: listed, with its mean over the values there
    /// are and `note` saying why it has no decomposition, rather than left out of the report.
    fn without_values(
        measure: &str,
        unit: &str,
        groups: &[Vec<f64>],
        note: String,
    ) -> MeasureUncertainty {
        let values: Vec<f64> = groups.iter().flatten().copied().filter(|x| x.is_finite()).collect();
        MeasureUncertainty {
            measure: measure.to_string(),
            unit: unit.to_string(),
            mean: if values.is_empty() { f64::NAN } else { mean(&values) },
            input_variance: f64::NAN,
            stochastic_variance: f64::NAN,
            input_share: f64::NAN,
            stochastic_share: f64::NAN,
            half_width_with_input: f64::NAN,
            half_width_stochastic: f64::NAN,
            ms_groups: f64::NAN,
            ms_residual: f64::NAN,
            ms_within: f64::NAN,
            degrees_of_freedom_with_input: f64::NAN,
            note: Some(note),
        }
    }
}

impl InputUncertaintyResults {
    /// One row per macro-replication: each input's drawn parameters, then each measure's mean
    /// (an empty cell where it has no value).
    pub fn csv(&self) -> String {
        let mut header = vec!["macro_replication".to_string()];
        for input in &self.inputs {
            for parameter in &input.parameters {
                header.push(crate::report::csv_text(&format!("{}.{parameter}", input.name)));
            }
        }
        if let Some(first) = self.by_macro_replication.first() {
            header.extend(first.means.iter().map(|(name, _)| name.clone()));
        }
        let mut out = header.join(",") + "\n";
        for (index, row) in self.by_macro_replication.iter().enumerate() {
            let mut cells = vec![(index + 1).to_string()];
            cells.extend(row.parameters.iter().flatten().map(|&v| crate::report::number(v)));
            cells.extend(row.means.iter().map(|&(_, v)| crate::report::number(v)));
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fab_stdlib::fit::Sample;

    fn gamma_input(values: Vec<f64>) -> FittedInput {
        let fit = fit_family(&Sample::complete(&values).unwrap(), Family::Gamma, true).unwrap();
        FittedInput {
            name: "weld.cycle".into(),
            component: ComponentId(0),
            field: DistributionField::Cycle,
            file: "data.csv".into(),
            column: "t".into(),
            values,
            unit_factor: 60.0,
            non_negative: true,
            kind: InputKind::Fitted {
                family: Family::Gamma,
                parameters: fit.values(),
                covariance: fit.covariance,
            },
            distribution: fit.distribution.scaled(60.0),
        }
    }

    fn data(n: usize, seed: u64) -> Vec<f64> {
        let law = Distribution::Gamma { shape: 3.0, scale: 2.0 };
        let mut stream = Stream::new(seed, 0, "data", "test");
        let sampler = law.sampler();
        (0..n).map(|_| sampler.sample(&mut stream)).collect()
    }

    fn fitted_input(family: Family, values: Vec<f64>) -> FittedInput {
        let mut input = gamma_input(values.clone());
        let fit = fit_family(&Sample::complete(&values).unwrap(), family, true).unwrap();
        input.kind =
            InputKind::Fitted { family, parameters: fit.values(), covariance: fit.covariance };
        input.distribution = fit.distribution.scaled(60.0);
        input
    }

    fn parametric_draws(input: &FittedInput, draws: usize) -> Vec<Vec<f64>> {
        let mut stream = Stream::new(1, 0, "weld.cycle", "input_parametric");
        let sampler = input.sampler(InputMethod::Parametric).unwrap();
        (0..draws)
            .map(|_| {
                let draw = sampler.draw(&mut stream).unwrap();
                assert_eq!(draw.redrawn, 0, "a draw on the log scale is always positive");
                draw.parameters
            })
            .collect()
    }

    /// The sample variance of `xs` and its standard error, `√((m₄ − s⁴) / N)`.
    fn variance_se(xs: &[f64]) -> (f64, f64) {
        let n = xs.len() as f64;
        let m = xs.iter().sum::<f64>() / n;
        let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0);
        let m4 = xs.iter().map(|x| ((x - m) * (x - m)) * ((x - m) * (x - m))).sum::<f64>() / n;
        (v, ((m4 - v * v) / n).sqrt())
    }

    /// A gamma's shape and scale are positive, so they are drawn as logarithms with the delta
    /// method's covariance `D⁻¹ Σ̂ D⁻¹`: the logarithms' empirical mean and covariance match it,
    /// each entry within 4 standard errors of a sample covariance of N normal draws,
    /// `se(s_ij) = √((σ_ii σ_jj + σ_ij²) / N)`.
    #[test]
    fn parametric_draws_positive_parameters_on_the_log_scale() {
        let input = gamma_input(data(60, 3));
        let InputKind::Fitted { covariance: Some(sigma), parameters: estimate, .. } = &input.kind
        else {
            panic!("a gamma fit has a covariance")
        };
        let log_sigma: Vec<Vec<f64>> = (0..2)
            .map(|i| (0..2).map(|j| sigma[i][j] / (estimate[i] * estimate[j])).collect())
            .collect();
        let draws = 4000;
        let sample: Vec<Vec<f64>> = parametric_draws(&input, draws)
            .into_iter()
            .map(|p| p.iter().map(|&x| libm::log(x)).collect())
            .collect();
        let n = draws as f64;
        let means: Vec<f64> =
            (0..2).map(|i| sample.iter().map(|p| p[i]).sum::<f64>() / n).collect();
        for i in 0..2 {
            let se = (log_sigma[i][i] / n).sqrt();
            let centre = libm::log(estimate[i]);
            assert!((means[i] - centre).abs() < 4.0 * se, "mean {i}: {} vs {centre}", means[i]);
            for j in 0..2 {
                let s: f64 =
                    sample.iter().map(|p| (p[i] - means[i]) * (p[j] - means[j])).sum::<f64>()
                        / (n - 1.0);
                let (vi, vj, vij) = (log_sigma[i][i], log_sigma[j][j], log_sigma[i][j]);
                let se = ((vi * vj + vij * vij) / n).sqrt();
                assert!((s - vij).abs() < 4.0 * se, "cov {i}{j}: {s} vs {vij}");
            }
        }
    }

    /// The mean a gamma draw implies, shape × scale, has the delta method's variance
    /// `gᵀ Σ̂ g` (`g = (scale, shape)`, for a gamma's MLE `mean²/(n·shape)`), within 4 Monte Carlo
    /// standard errors: drawn on the log scale its second-order excess is about
    /// `1.5/(n·shape)` ≈ 1 % here. Drawn as `N(θ̂, Σ̂)` on the natural scale, the product's
    /// variance was higher by `Σ_kk Σ_θθ + Σ_kθ²`: 0.24 against 0.16 here (the probe's n = 20
    /// throughput: 525 against the delta method's 21).
    #[test]
    fn parametric_gamma_mean_has_the_delta_method_variance() {
        let input = gamma_input(data(50, 9));
        let InputKind::Fitted { covariance: Some(sigma), parameters: p, .. } = &input.kind else {
            panic!("a gamma fit has a covariance")
        };
        let g = [p[1], p[0]];
        let delta: f64 =
            (0..2).map(|i| (0..2).map(|j| g[i] * sigma[i][j] * g[j]).sum::<f64>()).sum();
        let means: Vec<f64> =
            parametric_draws(&input, 20_000).iter().map(|q| q[0] * q[1]).collect();
        let (variance, se) = variance_se(&means);
        assert!((variance - delta).abs() < 4.0 * se, "var(mean) {variance} ± {se} vs {delta}");
    }

    /// An exponential fitted to 4 values: the MLE's mean has `Var(log mean) = 1/n` by the delta
    /// method, and the log-scale draws have exactly that. Drawn on the natural scale with a 50 %
    /// standard error, the mean reached 0 and its logarithm's variance was 0.47.
    #[test]
    fn parametric_exponential_from_four_values_keeps_the_log_variance() {
        let input = fitted_input(Family::Exponential, vec![1.2, 0.4, 2.9, 0.8]);
        let logs: Vec<f64> =
            parametric_draws(&input, 4000).iter().map(|q| libm::log(q[0])).collect();
        let (variance, se) = variance_se(&logs);
        assert!((variance - 0.25).abs() < 4.0 * se, "var(log mean) {variance} ± {se} vs 1/4");
    }

    #[test]
    fn bootstrap_refits_the_same_family_and_scales_to_si() {
        let input = gamma_input(data(40, 5));
        let mut stream = Stream::new(1, 0, "weld.cycle", "input_bootstrap");
        let sampler = input.sampler(InputMethod::Bootstrap).unwrap();
        let draw = sampler.draw(&mut stream).unwrap();
        let Distribution::Gamma { shape, scale } = draw.distribution else {
            panic!("the family stays gamma: {:?}", draw.distribution)
        };
        assert_eq!(draw.parameters, vec![shape, scale / 60.0]);
        // The same stream gives the same draw.
        let mut again = Stream::new(1, 0, "weld.cycle", "input_bootstrap");
        assert_eq!(sampler.draw(&mut again).unwrap(), draw);
    }

    #[test]
    fn parametric_refuses_a_family_without_standard_errors() {
        let mut input = gamma_input(data(20, 7));
        input.kind = InputKind::Fitted {
            family: Family::Uniform,
            parameters: vec![0.5, 20.0],
            covariance: None,
        };
        let Err(error) = input.sampler(InputMethod::Parametric) else {
            panic!("a uniform has no law of its parameters to draw from")
        };
        assert!(error.contains("use `input_method = bootstrap`"), "{error}");
        // The bootstrap needs no standard errors.
        let mut stream = Stream::new(1, 0, "weld.cycle", "input_parametric");
        let draw = input.sampler(InputMethod::Bootstrap).unwrap().draw(&mut stream).unwrap();
        assert!(matches!(draw.distribution, Distribution::Uniform { .. }));
    }

    /// A measure that does not vary at all has no variance to share: both shares are 0, as
    /// docs/results.md says (it said `stochastic_share = 1 − input_share`, 1, while this gave 0).
    #[test]
    fn a_measure_without_variance_has_no_shares() {
        let c = variance_components(&[vec![2.0, 2.0], vec![2.0, 2.0]], 0.95).unwrap();
        let m = MeasureUncertainty::of("wip", "parts", &c);
        assert_eq!((m.input_share, m.stochastic_share), (0.0, 0.0));
        assert_eq!((m.half_width_with_input, m.half_width_stochastic), (0.0, 0.0));
    }

    #[test]
    fn cholesky_factors_and_refuses_indefinite_matrices() {
        let l = cholesky(&[vec![4.0, 2.0], vec![2.0, 3.0]]).unwrap();
        assert_eq!(l, vec![vec![2.0, 0.0], vec![1.0, 2f64.sqrt()]]);
        assert!(cholesky(&[vec![1.0, 2.0], vec![2.0, 1.0]]).is_none());
    }
}
