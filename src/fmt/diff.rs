//! The diff `fab fmt --check` prints: the shortest line diff between a file and its formatted
//! text, as unified hunks with three lines of context, the way `diff -u` writes them.
//!
//! # How the lines are matched
//!
//! The two texts are compared line by line, and the result is a *shortest edit script*: the
//! fewest lines removed and added that turn the old text into the new one, every other line kept.
//! It is found with Myers' greedy algorithm ("An O(ND) Difference Algorithm and Its Variations",
//! 1986), in its linear-space form:
//!
//! - Lines common to both ends are kept at once; what is left starts and ends with a change.
//! - Picture the old lines along x and the new ones along y: a script is a path from the top-left
//!   corner to the bottom-right one, where a step right removes a line, a step down adds one and
//!   a diagonal step keeps a line both texts have there, for free. Diagonal `k` holds the points
//!   with `x - y = k`. After `d` changes a path can only be on the diagonals `-d, -d + 2, …, d`, and
//!   for each of them it is enough to know how far along it a path of `d` changes reaches
//!   (following every free diagonal step at once, a *snake*): the furthest point of `d` changes on
//!   diagonal `k` comes from the furthest one of `d - 1` changes on `k - 1` or `k + 1`.
//! - Searching from both corners at once, the two searches first overlap on the *middle snake*
//!   of a shortest path, after about half of its changes each. The parts before and after that
//!   snake are diffed the same way, recursively, so the memory needed is a few arrays as long as
//!   the texts, and the time is proportional to their length times the number of changes.
//! - That product grows with the square of a file that changes everywhere (a 16,000-line model
//!   reformatted throughout took 0.9 s, a 160,000-line one 8 s). A search that has not met after
//!   [`MOST_ROUNDS`] rounds stops, and the part is split at the furthest point the forward search
//!   has reached, as GNU diff does when a search grows too costly: the script is still correct,
//!   and shortest unless a part needs more than twice that many changes. The two models then
//!   took 0.2 s and 2.3 s, the first one's script 37 lines longer than shortest (of 20,000).
//!
//! # How the hunks are printed
//!
//! Changes closer than seven unchanged lines apart share a hunk; each hunk has up to three
//! unchanged lines around its changes and a header `@@ -START,COUNT +START,COUNT @@` with 1-based
//! line numbers (a count of one is left out, and an empty range starts at the line before it, as
//! `diff -u` writes them). Every hunk is printed, up to [`MAX_HUNKS`] per file; a last line says how
//! many more there are. A last line without a line break differs from the same line with one, and
//! is marked `\ No newline at end of file`, so a file whose only difference is its end shows it.

/// Lines of unchanged context around each change.
const CONTEXT: usize = 3;

/// At most this many hunks are printed for one file; a line after them counts the others.
pub(super) const MAX_HUNKS: usize = 100;

/// A unified diff from `old` (the file at `path`) to `new` (its formatted text): a header naming
/// both, then every hunk (see the module documentation). Empty when the texts are equal.
pub(super) fn unified_diff(path: &str, old: &str, new: &str) -> String {
    let old = lines(old);
    let new = lines(new);
    let script = edit_script(&old, &new);
    let hunks = hunks(&script);
    if hunks.is_empty() {
        return String::new();
    }
    let mut out = format!("--- {path}\n+++ {path} (formatted)\n");
    for hunk in hunks.iter().take(MAX_HUNKS) {
        let steps = &script[hunk.clone()];
        let (old_start, new_start) = position(&script, hunk.start);
        let old_count = steps.iter().filter(|step| **step != Step::Add).count();
        let new_count = steps.iter().filter(|step| **step != Step::Remove).count();
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            range(old_start, old_count),
            range(new_start, new_count)
        ));
        let (mut at_old, mut at_new) = (old_start, new_start);
        for step in steps {
            match step {
                Step::Keep => {
                    push_line(&mut out, ' ', &old[at_old]);
                    at_old += 1;
                    at_new += 1;
                }
                Step::Remove => {
                    push_line(&mut out, '-', &old[at_old]);
                    at_old += 1;
                }
                Step::Add => {
                    push_line(&mut out, '+', &new[at_new]);
                    at_new += 1;
                }
            }
        }
    }
    if hunks.len() > MAX_HUNKS {
        let more = hunks.len() - MAX_HUNKS;
        out.push_str(&format!("… {more} more hunk{}\n", if more == 1 { "" } else { "s" }));
    }
    out
}

/// A line of a text, and whether a line break ends it (only a text's last line may lack one).
type Line<'a> = (&'a str, bool);

/// The lines of a text; a final line break ends the last line rather than starting an empty one,
/// and an empty text has none.
fn lines(text: &str) -> Vec<Line<'_>> {
    if text.is_empty() {
        return Vec::new();
    }
    let mut lines: Vec<Line<'_>> = text.split('\n').map(|line| (line, true)).collect();
    if text.ends_with('\n') {
        lines.pop();
    } else if let Some(last) = lines.last_mut() {
        last.1 = false;
    }
    lines
}

fn push_line(out: &mut String, sign: char, (line, ends): &Line<'_>) {
    out.push_str(&format!("{sign}{line}\n"));
    if !ends {
        out.push_str("\\ No newline at end of file\n");
    }
}

/// A hunk's range of lines in a header: `START,COUNT` with `START` 1-based, `START` alone for one
/// line, and for no lines the line before them (`0,0` at the start of the file).
fn range(start: usize, count: usize) -> String {
    match count {
        0 => format!("{start},0"),
        1 => format!("{}", start + 1),
        _ => format!("{},{count}", start + 1),
    }
}

/// One step of an edit script, in order: keep the next line of both texts, remove the next line
/// of the old text, or add the next line of the new one.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Step {
    Keep,
    Remove,
    Add,
}

/// The (old, new) line indices, 0-based, before step `at` of the script.
fn position(script: &[Step], at: usize) -> (usize, usize) {
    let steps = &script[..at];
    let kept = steps.iter().filter(|step| **step == Step::Keep).count();
    let removed = steps.iter().filter(|step| **step == Step::Remove).count();
    (kept + removed, at - removed)
}

/// The hunks of a script, as ranges of its steps: each from up to [`CONTEXT`] kept lines before a
/// change to up to [`CONTEXT`] after the last change that is at most `2 * CONTEXT` kept lines
/// from the one before it.
fn hunks(script: &[Step]) -> Vec<std::ops::Range<usize>> {
    let mut hunks: Vec<std::ops::Range<usize>> = Vec::new();
    let mut at = 0;
    while at < script.len() {
        if script[at] == Step::Keep {
            at += 1;
            continue;
        }
        // A change: the end of the run of changes it starts.
        let mut end = at;
        while end < script.len() && script[end] != Step::Keep {
            end += 1;
        }
        let kept_after = script[end..].iter().take_while(|step| **step == Step::Keep).count();
        let start = at.saturating_sub(CONTEXT);
        match hunks.last_mut() {
            // Joined to the hunk before when its context reaches this change's.
            Some(last) if start <= last.end => last.end = end + kept_after.min(CONTEXT),
            _ => hunks.push(start..end + kept_after.min(CONTEXT)),
        }
        at = end;
    }
    hunks
}

/// Rounds of changes a search for a middle snake makes before it settles for a split that may
/// not lie on a shortest path (see the module documentation).
const MOST_ROUNDS: isize = 256;

/// A shortest edit script from `old` to `new` (unless a part needs more than [`MOST_ROUNDS`]
/// changes).
fn edit_script<T: PartialEq>(old: &[T], new: &[T]) -> Vec<Step> {
    edit_script_within(old, new, MOST_ROUNDS)
}

/// [`edit_script`] with searches of at most `rounds` rounds.
fn edit_script_within<T: PartialEq>(old: &[T], new: &[T], rounds: isize) -> Vec<Step> {
    let mut script = Vec::with_capacity(old.len().max(new.len()));
    diff_into(old, new, rounds, &mut script);
    // Within each run of changes, the removed lines first, as `diff -u` prints them.
    let mut at = 0;
    while at < script.len() {
        let run = script[at..].iter().take_while(|step| **step != Step::Keep).count();
        script[at..at + run].sort_by_key(|step| *step != Step::Remove);
        at += run.max(1);
    }
    script
}

/// Appends an edit script from `old` to `new` to `script`, shortest unless a search of
/// `rounds` rounds found no middle snake.
fn diff_into<T: PartialEq>(old: &[T], new: &[T], rounds: isize, script: &mut Vec<Step>) {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let (old, new) = (&old[prefix..], &new[prefix..]);
    let suffix = old.iter().rev().zip(new.iter().rev()).take_while(|(a, b)| a == b).count();
    let (old, new) = (&old[..old.len() - suffix], &new[..new.len() - suffix]);
    script.extend(std::iter::repeat_n(Step::Keep, prefix));
    if old.is_empty() || new.is_empty() {
        script.extend(std::iter::repeat_n(Step::Remove, old.len()));
        script.extend(std::iter::repeat_n(Step::Add, new.len()));
    } else {
        // Both sides start and end with a change, so a shortest script has two changes or more
        // and both parts around its middle snake are smaller problems.
        let snake = middle_snake(old, new, rounds);
        diff_into(&old[..snake.start.0], &new[..snake.start.1], rounds, script);
        script.extend(std::iter::repeat_n(Step::Keep, snake.end.0 - snake.start.0));
        diff_into(&old[snake.end.0..], &new[snake.end.1..], rounds, script);
    }
    script.extend(std::iter::repeat_n(Step::Keep, suffix));
}

/// A run of kept lines on a shortest path, from `start` to `end`, both (old, new) indices.
#[derive(Debug)]
struct Snake {
    start: (usize, usize),
    end: (usize, usize),
}

/// The middle snake of a shortest path from `(0, 0)` to `(old.len(), new.len())`: where the search
/// forward from the start and the search backward from the end first overlap (see the module
/// documentation). Both texts must be non-empty. After `rounds` rounds without meeting, an empty
/// snake at the furthest point the forward search has reached instead (after one round at
/// least): it is neither corner (after `d` changes a path has passed `d` lines, and the searches
/// meet as soon as one reaches the end), so both parts around it are smaller problems.
fn middle_snake<T: PartialEq>(old: &[T], new: &[T], rounds: isize) -> Snake {
    let (n, m) = (old.len() as isize, new.len() as isize);
    let delta = n - m;
    let odd = delta % 2 != 0;
    let most = (n + m + 1) / 2;
    // Diagonal `k` is at index `k + offset`; the searches read the diagonals beside each `k`.
    let offset = most + 1;
    let width = (2 * most + 3) as usize;
    // `forward[k]`: the furthest x a path of `d` changes from the start reaches on diagonal k.
    let mut forward = vec![0isize; width];
    // `backward[k]`: the same from the end, on the reversed texts (x counted from the end), where
    // reversed diagonal k is forward diagonal `delta - k`.
    let mut backward = vec![0isize; width];
    let at = |k: isize| (k + offset) as usize;
    for d in 0..=most {
        for k in (-d..=d).step_by(2) {
            let mut x = if k == -d || (k != d && forward[at(k - 1)] < forward[at(k + 1)]) {
                forward[at(k + 1)]
            } else {
                forward[at(k - 1)] + 1
            };
            let mut y = x - k;
            let start = (x, y);
            while x < n && y < m && old[x as usize] == new[y as usize] {
                x += 1;
                y += 1;
            }
            forward[at(k)] = x;
            // After d forward changes the backward search has made d - 1.
            let reverse = delta - k;
            if odd && reverse.abs() < d && x + backward[at(reverse)] >= n {
                return Snake {
                    start: (start.0 as usize, start.1 as usize),
                    end: (x as usize, y as usize),
                };
            }
        }
        for k in (-d..=d).step_by(2) {
            let mut x = if k == -d || (k != d && backward[at(k - 1)] < backward[at(k + 1)]) {
                backward[at(k + 1)]
            } else {
                backward[at(k - 1)] + 1
            };
            let mut y = x - k;
            let start = (x, y);
            while x < n && y < m && old[(n - x - 1) as usize] == new[(m - y - 1) as usize] {
                x += 1;
                y += 1;
            }
            backward[at(k)] = x;
            let forward_k = delta - k;
            if !odd && forward_k.abs() <= d && forward[at(forward_k)] + x >= n {
                return Snake {
                    start: ((n - x) as usize, (m - y) as usize),
                    end: ((n - start.0) as usize, (m - start.1) as usize),
                };
            }
        }
        // After one round or more, so that the point has moved from the start.
        if d >= rounds.max(1) {
            // The furthest point in the grid: diagonals beyond its edges hold none.
            let furthest = (-d..=d)
                .step_by(2)
                .map(|k| (forward[at(k)], forward[at(k)] - k))
                .filter(|&(x, y)| x <= n && (0..=m).contains(&y))
                .max_by_key(|&(x, y)| x + y)
                .map(|(x, y)| (x as usize, y as usize))
                .expect("the diagonal the search started on");
            return Snake { start: furthest, end: furthest };
        }
    }
    // The searches always meet after `most` rounds; this only keeps the function total.
    Snake { start: (n as usize, m as usize), end: (n as usize, m as usize) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The length of a longest common subsequence, by the plain quadratic table.
    fn common_length(old: &[u8], new: &[u8]) -> usize {
        let mut table = vec![vec![0usize; new.len() + 1]; old.len() + 1];
        for i in (0..old.len()).rev() {
            for j in (0..new.len()).rev() {
                table[i][j] = if old[i] == new[j] {
                    table[i + 1][j + 1] + 1
                } else {
                    table[i + 1][j].max(table[i][j + 1])
                };
            }
        }
        table[0][0]
    }

    /// Applies a script to `old`, checking that it keeps only equal lines.
    fn apply(old: &[u8], new: &[u8], script: &[Step]) -> Vec<u8> {
        let (mut i, mut j) = (0, 0);
        let mut out = Vec::new();
        for step in script {
            match step {
                Step::Keep => {
                    assert_eq!(old[i], new[j], "kept lines differ");
                    out.push(old[i]);
                    i += 1;
                    j += 1;
                }
                Step::Remove => i += 1,
                Step::Add => {
                    out.push(new[j]);
                    j += 1;
                }
            }
        }
        assert_eq!((i, j), (old.len(), new.len()), "the script does not cover both texts");
        out
    }

    /// On every pair of short texts over a small alphabet (and some longer ones), the script turns
    /// the old text into the new one and is shortest: it keeps a longest common subsequence.
    #[test]
    fn edit_scripts_are_correct_and_shortest() {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move |bound: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % bound
        };
        for case in 0..3000 {
            let (len_old, len_new, letters) =
                if case < 2000 { (next(9), next(9), 3) } else { (next(60), next(60), 4) };
            let old: Vec<u8> = (0..len_old).map(|_| b'a' + next(letters) as u8).collect();
            let new: Vec<u8> = (0..len_new).map(|_| b'a' + next(letters) as u8).collect();
            let script = edit_script(&old, &new);
            assert_eq!(apply(&old, &new, &script), new, "{old:?} -> {new:?}");
            let kept = script.iter().filter(|step| **step == Step::Keep).count();
            assert_eq!(kept, common_length(&old, &new), "not shortest: {old:?} -> {new:?}");
        }
    }

    /// Searches cut short after a few rounds still give scripts that turn the old text into the
    /// new one, and end: each cut splits a part into two smaller ones.
    #[test]
    fn a_search_cut_short_still_gives_a_correct_script() {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move |bound: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % bound
        };
        let mut longer = 0;
        for _ in 0..2000 {
            let old: Vec<u8> = (0..next(80)).map(|_| b'a' + next(4) as u8).collect();
            let new: Vec<u8> = (0..next(80)).map(|_| b'a' + next(4) as u8).collect();
            for rounds in [0, 1, 2, 5] {
                let script = edit_script_within(&old, &new, rounds);
                assert_eq!(apply(&old, &new, &script), new, "{rounds}: {old:?} -> {new:?}");
                let kept = script.iter().filter(|step| **step == Step::Keep).count();
                longer += usize::from(kept < common_length(&old, &new));
            }
        }
        // The cut is taken: some scripts are longer than shortest.
        assert!(longer > 0);
    }

    /// A file that differs only in its end shows the line that changes, marked as `diff` marks a
    /// line without a line break.
    #[test]
    fn a_difference_at_the_end_of_the_file_is_shown() {
        let shown = unified_diff(
            "a.fab",
            "sink done\nflow parts -> done",
            "sink done\nflow parts -> done\n",
        );
        assert_eq!(
            shown,
            "--- a.fab\n+++ a.fab (formatted)\n@@ -1,2 +1,2 @@\n sink done\n-flow parts -> done\n\
             \\ No newline at end of file\n+flow parts -> done\n"
        );
        // Formatted to nothing: the new side is an empty range.
        let shown = unified_diff("b.fab", "\n\n   \n", "");
        assert_eq!(shown, "--- b.fab\n+++ b.fab (formatted)\n@@ -1,3 +0,0 @@\n-\n-\n-   \n");
        assert_eq!(unified_diff("c.fab", "sink a\n", "sink a\n"), "");
    }

    /// A changed line between unchanged ones is one line removed and one added, and the lines
    /// after it are context, not changes (the old diff resynchronized on two equal lines only,
    /// so a lone equal line between two changes showed as removed and added).
    #[test]
    fn a_changed_line_is_one_removal_and_one_addition() {
        let old = "a\nb\nc  \nd\ne\n";
        let new = "a\nb\nc\nd\ne\n";
        assert_eq!(
            unified_diff("f.fab", old, new),
            "--- f.fab\n+++ f.fab (formatted)\n@@ -1,5 +1,5 @@\n a\n b\n-c  \n+c\n d\n e\n"
        );
        let old = "one\nx=1\nkeep\ny=2\nlast\n";
        let new = "one\nx = 1\nkeep\ny = 2\nlast\n";
        assert_eq!(
            unified_diff("g.fab", old, new),
            "--- g.fab\n+++ g.fab (formatted)\n@@ -1,5 +1,5 @@\n one\n-x=1\n+x = 1\n keep\n\
             -y=2\n+y = 2\n last\n"
        );
    }

    /// Changes more than six unchanged lines apart are two hunks, each with three lines of
    /// context; the old diff showed the first and said only that more changes followed.
    #[test]
    fn separated_changes_are_separate_hunks_with_context() {
        let old: Vec<String> = (1..=20).map(|line| format!("line {line}")).collect();
        let mut new = old.clone();
        new[2] = "LINE 3".into();
        new[15] = "LINE 16".into();
        new.insert(18, "added".into());
        let (old, new) = (old.join("\n") + "\n", new.join("\n") + "\n");
        assert_eq!(
            unified_diff("h.fab", &old, &new),
            "--- h.fab\n+++ h.fab (formatted)\n\
             @@ -1,6 +1,6 @@\n line 1\n line 2\n-line 3\n+LINE 3\n line 4\n line 5\n line 6\n\
             @@ -13,8 +13,9 @@\n line 13\n line 14\n line 15\n-line 16\n+LINE 16\n line 17\n\
             \x20line 18\n+added\n line 19\n line 20\n"
        );
        // Six unchanged lines between two changes: their contexts touch, one hunk.
        let old: Vec<String> = (1..=9).map(|line| format!("{line}")).collect();
        let mut new = old.clone();
        new[0] = "one".into();
        new[7] = "eight".into();
        let (old, new) = (old.join("\n") + "\n", new.join("\n") + "\n");
        let shown = unified_diff("i.fab", &old, &new);
        assert!(shown.contains("@@ -1,9 +1,9 @@\n-1\n+one\n 2\n"), "{shown}");
        assert_eq!(shown.matches("@@ -").count(), 1, "{shown}");
    }

    /// Hunk headers as `diff -u` writes them: a count of one alone, an empty range at the line
    /// before it.
    #[test]
    fn hunk_headers_leave_out_a_count_of_one() {
        assert_eq!(
            unified_diff("j.fab", "a\n", "b\n"),
            "--- j.fab\n+++ j.fab (formatted)\n@@ -1 +1 @@\n-a\n+b\n"
        );
        assert_eq!(
            unified_diff("k.fab", "a\nb\nc\nd\ne\n", "a\nb\nc\nd\ne\nf\n"),
            "--- k.fab\n+++ k.fab (formatted)\n@@ -3,3 +3,4 @@\n c\n d\n e\n+f\n"
        );
        assert_eq!(
            unified_diff("l.fab", "", "sink a\n"),
            "--- l.fab\n+++ l.fab (formatted)\n@@ -0,0 +1 @@\n+sink a\n"
        );
    }

    /// Past [`MAX_HUNKS`] hunks, one line counts the rest.
    #[test]
    fn a_diff_of_many_hunks_is_cut_with_a_count() {
        let old: Vec<String> = (0..(MAX_HUNKS + 2) * 10).map(|line| format!("{line}")).collect();
        let new: Vec<String> = old
            .iter()
            .map(|line| if line.ends_with('5') { format!("{line}!") } else { line.clone() })
            .collect();
        let shown = unified_diff("m.fab", &(old.join("\n") + "\n"), &(new.join("\n") + "\n"));
        assert_eq!(shown.matches("\n@@ -").count(), MAX_HUNKS, "{shown}");
        assert!(shown.ends_with("\n… 2 more hunks\n"), "{shown}");
    }
}
