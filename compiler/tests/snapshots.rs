//! Snapshots of rendered diagnostics, source lines included, for the messages users meet most.
//! Refresh with `INSTA_UPDATE=always cargo test -p fab-compiler --test snapshots`.

mod common;

fn rendered(text: &str) -> String {
    let (db, _, diagnostics) = common::check_files(text, &[]);
    fab_compiler::render::render_human(&db, &diagnostics, false)
}

const LINE: &str = "source s { interarrival = exponential(mean = 1 min) }\nsink done\n";

#[test]
fn unknown_field_suggests_the_closest() {
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}station weld {{\n    cylce = 30 s\n}}\nflow s -> weld -> done\n"
    )));
}

#[test]
fn mixed_dimensions_label_both_sides() {
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}station weld {{\n    cycle = 5 m + 3 s\n}}\nflow s -> weld -> done\n"
    )));
}

#[test]
fn missing_unit_lists_units() {
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}station weld {{\n    cycle = normal(mean = 52, sd = 4 s)\n}}\nflow s -> weld -> done\n"
    )));
}

#[test]
fn dead_end_and_unreachable() {
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}station a {{ cycle = 1 s }}\nstation b {{ cycle = 1 s }}\nflow s -> a -> done\nflow s -> b\n"
    )));
}

#[test]
fn route_that_does_not_sum() {
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}sink scrap\nstation inspect {{ cycle = 20 s }}\nflow s -> inspect\nroute inspect {{\n    done = 95 %\n    scrap = 3 %\n}}\n"
    )));
}

#[test]
fn syntax_error_keeps_the_rest_of_the_file() {
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}station weld {{\n    cycle 30 s\n}}\nbuffer b {{ capacity = 5 }}\nflow s -> weld -> b -> done\n"
    )));
}

#[test]
fn a_label_above_the_primary_shares_its_group() {
    // The horizon's label comes before the warm-up's, which is primary: one group of source
    // lines, in file order, not a second header for the same file.
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}station weld {{ cycle = 30 s }}\nflow s -> weld -> done\n\
         experiment e {{\n    horizon = 1 h\n    warmup = 2 h\n}}\n"
    )));
}

#[test]
fn a_scenario_that_changes_a_route() {
    // `route` is a keyword: this was a bare syntax error, twice ("expected identifier").
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}sink scrap\nstation inspect {{ cycle = 20 s }}\nflow s -> inspect\nroute inspect {{\n    done = 95 %\n    scrap = 5 %\n}}\n\
         experiment e {{ horizon = 1 d }}\nscenario stricter : e {{\n    inspect.route = 10 %\n}}\n"
    )));
}

#[test]
fn a_spacing_range_past_the_length_labels_both() {
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}conveyor belt {{ length = 10 m, speed = 0.5 m/s, spacing = 1 m }}\nflow s -> belt -> done\n\
         experiment pitch {{\n    horizon = 1 d\n    vary belt.spacing in 50 cm..1200 cm\n}}\n\
         experiment both {{\n    horizon = 1 d\n    vary belt.length in 5 m..20 m\n    vary belt.spacing in 1 m..6 m\n}}\n"
    )));
}

#[test]
fn a_point_just_beyond_reach_reads_beyond_it() {
    // 580.4 mm against a reach of 0.58 m: the label used to round the distance to the
    // millimetre, "0.580 m from the base", next to "reach is 0.58 m". √5 m keeps three decimals.
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}robot arm {{\n    reach = 0.58 m\n    speed = 1 m/s\n    path = [(0 m, 580.4 mm), (0 m, 0 m)]\n}}\n\
         robot big {{\n    reach = 2 m\n    speed = 1 m/s\n    path = [(1 m, 1 m), (2 m, 1 m)]\n}}\n\
         flow s -> arm -> big -> done\n"
    )));
}

#[test]
fn a_robot_factor_a_scenario_makes_unused() {
    // The scenario gives `arm` a `cycle`: `vary arm.speed` would run one point at every level.
    // This used to be W0206 only, where the same `vary` of a robot written with a `cycle` is
    // E0703.
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}robot arm {{\n    path = [(0 m, 0 m), (1 m, 0 m)]\n    speed = 1 m/s\n}}\nflow s -> arm -> done\n\
         experiment doe {{\n    horizon = 1 d\n    vary arm.speed in 0.5 m/s..=2 m/s\n}}\n\
         scenario given : doe {{ arm.cycle = 2 s }}\n"
    )));
}

#[test]
fn a_law_a_scenario_replaces_is_held_at_every_corner() {
    // The ranges fit the declared uniform at every corner, and not the scenario's triangular,
    // whose `mode` of 12 s the study does not vary: the corner `min` = 20 s is no law. This used
    // to check clean and stop the scenario's study at that point. The scenario `narrow` gives
    // a uniform whose two parameters the study both sets: every point is a uniform, and it adds
    // no error (it was refused, as if `min` were set first under its `max` of 15 s); since the
    // design sets all it changes, it is warned that it runs the design itself (W0708), its help
    // naming both ranges (it named `min` alone).
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}station weld {{ cycle = uniform(min = 10 s, max = 40 s) }}\nflow s -> weld -> done\n\
         experiment doe {{\n    horizon = 1 d\n    vary weld.cycle.min in 5 s..=20 s\n    \
         vary weld.cycle.max in 30 s..=50 s\n}}\n\
         scenario narrow : doe {{ weld.cycle = uniform(min = 10 s, max = 15 s) }}\n\
         scenario pointed : doe {{ weld.cycle = triangular(min = 10 s, mode = 12 s, max = 40 s) }}\n"
    )));
}

#[test]
fn a_scenario_override_the_design_replaces() {
    // Each point of `doe` sets `b1.capacity` and the `age` of the maintenance: `big` ran the
    // experiment's own design, and reported its results, without a word.
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}buffer b1 {{ capacity = 2 }}\nstation press {{\n    cycle = 30 s\n    \
         failure = weibull(shape = 2, scale = 100 h)\n    repair = 1 h\n    \
         maintenance = preventive(age = 50 h, takes = 1 h)\n}}\nflow s -> b1 -> press -> done\n\
         experiment doe {{\n    horizon = 1 d\n    vary b1.capacity in 1..=4\n    \
         vary press.maintenance.age in 10 h..=40 h\n}}\n\
         scenario big : doe {{\n    b1.capacity = 8\n    \
         press.maintenance = preventive(age = 20 h, takes = 1 h)\n}}\n"
    )));
}

#[test]
fn a_robot_process_varied_by_another_parameter_than_its_mean() {
    // A uniform's `max` of 1.6·10¹⁰ s is a process mean of 8·10⁹ s, after 2·10⁹ s of motion:
    // only `process.mean` was held to the longest run, and this ran, its cycle cut short.
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}robot far {{\n    path = [(0 m, 0 m), (1000000000 m, 0 m)]\n    speed = 1 m/s\n    \
         process = uniform(min = 1 s, max = 2 s)\n}}\nflow s -> far -> done\n\
         experiment base {{ horizon = 10 h }}\n\
         optimize o : base {{\n    vary far.process.max in 2 s..16000000000 s\n    \
         minimize cost_rate\n}}\n"
    )));
}

#[test]
fn a_robot_process_range_that_keeps_the_mean_is_not_named() {
    // A lognormal's `cv` keeps its mean: its range was named in the headline, carried the
    // primary label and was in the help ("raise the low end of `logn.process.cv`"), which fixed
    // nothing. 8·10⁹ s of motion at 1 m/s, 8.9·10⁹ s at 0.9 m/s, and 5·10⁸ s of process.
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}robot logn {{\n    path = [(0 m, 0 m), (4000000000 m, 0 m)]\n    speed = 1 m/s\n    \
         process = lognormal(mean = 1 s, cv = 0.3)\n}}\nflow s -> logn -> done\n\
         experiment base {{ horizon = 10 h }}\n\
         optimize o : base {{\n    vary logn.speed in 0.9 m/s..=1 m/s\n    \
         vary logn.process.mean in 1 s..=500000000 s\n    vary logn.process.cv in 0.1..=0.5\n    \
         minimize cost_rate\n}}\n"
    )));
}

#[test]
fn a_study_based_on_a_designed_experiment() {
    // The study ran with `b2` at its model value and said nothing of the base's `vary`.
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}buffer b1 {{ capacity = 2 }}\nbuffer b2 {{ capacity = 2 }}\nflow s -> b1 -> b2 -> done\n\
         experiment doe {{\n    horizon = 1 d\n    vary b2.capacity in 1..=4\n}}\n\
         optimize o : doe {{\n    vary b1.capacity in 1..=4\n    minimize wip\n}}\n"
    )));
}

#[test]
fn optimize_constraints_that_no_point_meets_or_that_rule_nothing_out() {
    // A share beyond its range and at its end, a factor's bound in another unit than its `vary`
    // (the labels speak the bound's unit), a contradicting pair whose second bound is an
    // expression (read in the measure's reported unit, the currency included: it read `6 /h`),
    // one bound repeating another in another unit (it read "`… 60 parts/h` is written twice"
    // beside a label `1 parts/min`), and a bound on a measure of the parts delivered that every
    // value meets, which is no warning: a point where a replication delivered nothing breaks it.
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}buffer b1 {{ capacity = 5 }}\n\
         station weld {{\n    cycle = 50 s\n    costs {{ operating = 30 EUR/h }}\n}}\n\
         flow s -> b1 -> weld -> done\nexperiment base {{ horizon = 1 d }}\n\
         optimize o : base {{\n    vary weld.cycle.value in 0.7 min..=1.1 min\n    \
         maximize throughput\n    subject to oee >= 120 %\n    \
         subject to availability <= 100 %\n    subject to weld.cycle.value >= 70 s\n    \
         subject to weld.cycle.value <= 66 s\n    subject to cost_rate >= 10 EUR/h\n    \
         subject to cost_rate <= 2 * 3 EUR/h\n    subject to throughput >= 1 parts/min\n    \
         subject to throughput >= 60 parts/h\n    subject to lead_time >= 0 s\n}}\n"
    )));
}

#[test]
fn a_robot_that_assembles_holds_what_it_makes() {
    // The 114 kg car the robot makes is moved in its cycle; only the body and doors it takes
    // used to be held to its payload.
    insta::assert_snapshot!(rendered(
        "product Body { mass = 42 kg }\nproduct Door { mass = 18 kg }\nproduct Car { mass = 114 kg }\n\
         source bodies { product = Body, interarrival = 90 s }\n\
         source doors { product = Door, interarrival = 20 s }\n\
         robot marry {\n    assemble { Body = 1, Door = 4 }\n    produces = Car\n    process = 30 s\n    \
         payload = 60 kg\n}\nsink done\nflow bodies -> marry -> done\nflow doors -> marry\n"
    ));
}

#[test]
fn a_letter_outside_ascii_is_not_part_of_a_name() {
    // The help said "Names use letters", and `ü` is one: it now says which letters.
    insta::assert_snapshot!(rendered("product qü\n"));
}

#[test]
fn crews_held_in_a_circle_name_every_holder_and_the_jobs() {
    // Two stations of each pair need the other pair's crew: each crew is held by two stations'
    // servers, and the label names both (it named the first). `a` and `b` only have maintenance
    // and `c` and `d` only repairs, so the crews' jobs are both (the headline said "repairs" for
    // stations that never fail).
    let station = |name: &str, crew: &str, needs: &str, stops: &str| {
        format!(
            "station {name} {{\n    cycle = 10 min\n    crew = {crew}\n    needs = [{needs}]\n    {stops}\n}}\n"
        )
    };
    let maintenance = "maintenance = preventive(every = 1 h, takes = 5 min)";
    let failure = "failure = exponential(mean = 1 h) of calendar_time\n    repair = 10 min";
    let mut text = String::from("resource r1 { count = 2 }\nresource r2 { count = 2 }\n");
    text += &station("a", "r1", "r2", maintenance);
    text += &station("b", "r2", "r1", maintenance);
    text += &station("c", "r1", "r2", failure);
    text += &station("d", "r2", "r1", failure);
    text += "source s { interarrival = 1 min }\nsink done\nflow s -> a -> b -> c -> d -> done\n";
    insta::assert_snapshot!(rendered(&text));
}

/// A maintenance interval under a nanosecond runs as one nanosecond, not as none: the warning said
/// "runs as 0 ns", and the run then repeated the maintenance a billion times a second of model
/// time instead of stopping at one instant.
#[test]
fn a_maintenance_interval_under_a_nanosecond_runs_as_one() {
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}station weld {{\n    cycle = 10 s\n    maintenance = preventive(every = 1e-10 s, takes = 0 s)\n}}\nflow s -> weld -> done\n"
    )));
}

/// A keyword as a name says it is a keyword and lists them, and is read as the name meant: one
/// error for each use, where `station buffer` and the flow through it made four errors ("expected
/// identifier, found `buffer`", then "found `{`" and "found `->`").
#[test]
fn a_keyword_as_a_name_is_one_error_per_use() {
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}station buffer {{ cycle = 5 s }}\nflow s -> buffer -> done\n"
    )));
}

/// A keyword as a template parameter's type is one error that lists the types. It was four syntax
/// errors and "cannot find template `Cell`" at the instance: the parameter list broke the item.
#[test]
fn a_keyword_as_a_type_is_one_error() {
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}component Cell(takt: station, cv: Ratio = 0.2) : station {{\n    \
         cycle = lognormal(mean = takt, cv = cv)\n}}\nstation w1 : Cell(takt = 30 s)\n\
         flow s -> w1 -> done\n"
    )));
}

/// A keyword as a call's function is one error that lists the distributions and the other
/// functions, as an unknown one does. It was "expected `,`, `.`, `;`, `}`, newline or operator,
/// found `(`", which does not say what is wrong.
#[test]
fn a_keyword_as_a_function_is_one_error() {
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}station weld {{\n    cycle = station(mean = 5 s)\n    parallel = 2\n}}\n\
         flow s -> weld -> done\n"
    )));
}

/// A keyword as the clock after `of` is one error that lists the clocks. It was four syntax
/// errors and "cannot find component `weld`" at the flow: the station's body broke.
#[test]
fn a_keyword_as_a_clock_is_one_error() {
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}station weld {{\n    cycle = 5 s\n    \
         failure = weibull(shape = 1.6, scale = 180 h) of station\n    repair = 1 h\n}}\n\
         flow s -> weld -> done\n"
    )));
}

/// A line that starts with an operator does not continue the line before it; the help says how
/// to continue one (it had none).
#[test]
fn a_line_that_starts_with_an_operator_says_how_to_continue() {
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}station weld {{ cycle = 5 s }}\nflow s -> weld -> done\n\
         experiment long {{\n    horizon = 30 d\n        + 12 h\n}}\n"
    )));
}

/// A unit name beside `/` with no number before it, as `2/h` or a unit broken over two lines,
/// gets the help the language reference gives (it had none).
#[test]
fn a_unit_apart_from_its_number_says_how_to_write_it() {
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}station weld {{ cycle = 2/h }}\nconveyor c {{ length = (12 m\n  / s), speed = 1 m/s, spacing = 1 m }}\n\
         flow s -> weld -> c -> done\n"
    )));
}

/// Values out of range say what to write instead: a negative warm-up, a route share and a
/// confidence level (none of the three had a help line).
#[test]
fn values_out_of_range_say_what_to_write() {
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}sink scrap\nstation inspect {{ cycle = 20 s }}\nflow s -> inspect\n\
         route inspect {{ done = 110 %, scrap = -10 % }}\n\
         experiment e {{ horizon = 1 h, warmup = -1 s, confidence = 100 % }}\n"
    )));
}

/// A number without a unit where no single unit has the dimension (a rate, a velocity, a cost
/// rate) is offered compound units; it was offered none.
#[test]
fn a_number_without_a_compound_unit_is_offered_some() {
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}station weld {{ cycle = exponential(rate = 0.5), costs {{ operating = 30 }} }}\n\
         conveyor c {{ length = 10 m, speed = 2, spacing = 1 m }}\nflow s -> weld -> c -> done\n"
    )));
}

/// An unknown distribution, distribution parameter or template parameter lists what there is
/// when no name is close (there was no help then).
#[test]
fn unknown_names_of_calls_list_what_there_is() {
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}component Cell(spots: Int, takt: Duration = 1 min) : station {{ cycle = takt }}\n\
         station a {{ cycle = bogus(mean = 30 s) }}\nstation b {{ cycle = normal(mean = 30 s, sd = 1 s, foo = 2) }}\n\
         station c : Cell(spots = 2, zz = 3)\nflow s -> a -> b -> c -> done\n"
    )));
}

/// A scenario path that goes past a field, or that is a declaration's name alone, says how to
/// write the path (there was no help).
#[test]
fn a_scenario_path_past_a_field_or_short_of_one() {
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}buffer b1 {{ capacity = 5 }}\nstation weld {{ cycle = 5 s }}\nflow s -> b1 -> weld -> done\n\
         experiment base {{ horizon = 8 h }}\nscenario deeper : base {{ b1.capacity.x = 3 }}\n\
         scenario shorter : base {{ b1 = 3 }}\n"
    )));
}

/// An exponent that is not whole says so (the label said "this is a plain number", which it is).
#[test]
fn a_fractional_exponent_says_it_is_not_whole() {
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}station weld {{ cycle = 2 s^1.5 }}\nflow s -> weld -> done\n"
    )));
}

/// `erlang`'s `k` out of its range is E0403 whatever the side: `k = 0` was E0205 and `k = 2³²`
/// E0403.
#[test]
fn an_erlang_k_of_zero_is_an_invalid_parameter() {
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}station weld {{ cycle = erlang(k = 0, mean = 5 s) }}\nflow s -> weld -> done\n"
    )));
}

/// A letter outside ASCII in a name is the one error: the name, read whole, still declares the
/// source the flow names. There were ten: the source `q` with no fields, a dead end, parse errors
/// at `elle`, and the components after it unreachable.
#[test]
fn a_letter_outside_ascii_in_a_name_is_the_one_error() {
    insta::assert_snapshot!(rendered(
        "source qüelle { interarrival = 10 s }\nstation st { cycle = 5 s }\nsink done\n\
         flow qüelle -> st -> done\n"
    ));
}

/// A scenario that gives a source with an `interarrival` a `schedule` is told what a scenario
/// can do: its help said "Remove one of them", which a scenario cannot.
#[test]
fn a_scenario_that_schedules_a_random_source() {
    let (db, _, diagnostics) = common::check_files(
        &format!(
            "{LINE}station weld {{ cycle = 5 s }}\nflow s -> weld -> done\n\
             experiment e {{ horizon = 1 h }}\nscenario planned : e {{ s.schedule = \"releases.csv\" }}\n"
        ),
        &[("releases.csv".to_string(), "time\n1\n2\n3\n".to_string())],
    );
    insta::assert_snapshot!(fab_compiler::render::render_human(&db, &diagnostics, false));
}

/// A crew among its station's needs is told to give the repairs another resource: the help
/// suggested `crew = fitters`, which for a crew called `fitters` was what was written.
#[test]
fn a_crew_among_its_needs_is_offered_another_resource() {
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}resource fitters {{ count = 1 }}\n\
         station a {{ cycle = 10 s, crew = fitters, needs = [fitters], failure = 100 s, repair = 20 s }}\n\
         flow s -> a -> done\n"
    )));
}

#[test]
fn input_uncertainty_without_an_input_made_from_data() {
    // It checked clean, and `fab run` refused it with a line without a code.
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}station weld {{ cycle = 30 s }}\nflow s -> weld -> done\n\
         experiment inputs {{\n    horizon = 1 d\n    input_uncertainty = 10\n}}\n"
    )));
}

#[test]
fn a_parametric_redraw_of_a_uniform_a_scenario_fits() {
    // The scenario's own fit is the input the parametric redraw cannot draw: the label there is
    // the primary one, the experiment's `input_method` beside it.
    let data = [("d.csv".to_string(), "s\n9.5\n10.2\n11\n8.7\n12.1\n".to_string())];
    let (db, _, diagnostics) = common::check_files(
        &format!(
            "{LINE}station weld {{ cycle = fit(\"d.csv\", column = \"s\", unit = 1 s, families = \
             [\"gamma\"]) }}\nflow s -> weld -> done\nexperiment drawn {{\n    horizon = 1 d\n    \
             input_uncertainty = 10\n    input_method = parametric\n}}\nscenario flat : drawn {{\n    \
             weld.cycle = fit(\"d.csv\", column = \"s\", unit = 1 s, families = [\"uniform\"])\n}}\n"
        ),
        &data,
    );
    insta::assert_snapshot!(fab_compiler::render::render_human(&db, &diagnostics, false));
}

#[test]
fn a_study_on_a_base_that_chooses_its_warm_up() {
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}buffer b1 {{ capacity = 2 }}\nstation weld {{ cycle = 30 s }}\n\
         flow s -> b1 -> weld -> done\nexperiment settled {{\n    horizon = 1 d\n    \
         warmup = auto\n}}\noptimize buffers : settled {{\n    vary b1.capacity in 1..=5\n    \
         maximize throughput\n}}\n"
    )));
}

#[test]
fn an_optimize_study_without_an_objective_or_an_override_in_it() {
    insta::assert_snapshot!(rendered(&format!(
        "{LINE}buffer b1 {{ capacity = 2 }}\nstation weld {{ cycle = 30 s }}\n\
         flow s -> b1 -> weld -> done\nexperiment base {{ horizon = 1 d }}\n\
         optimize buffers : base {{\n    weld.parallel = 2\n    vary b1.capacity in 1..=5\n}}\n"
    )));
}
