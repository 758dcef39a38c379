"""`check` findings of the clinical record v2 (issue 15 items 1 and 3): the injection log and
the expected-effects checklist. Pure: the journal is already loaded."""

from __future__ import annotations

import datetime as dt

from scalpsite.analysis.adherence import MAX_DOSES, SITE_LABELS, due_count, doses
from scalpsite.analysis.safety import answers, asked_about, conflicts
from scalpsite.findings import Finding, error, warning
from scalpsite.journal.effects import Effect, checklist
from scalpsite.journal.injectionlog import LOG_FILE, Injection
from scalpsite.journal.load import Journal, SessionRecord
from scalpsite.journal.configmodel import Config
from scalpsite.journal.models import Session
from scalpsite.journal.treatment import (
    dosing,
    primary_treatment,
    generic,
    same_drug,
    treatment_of,
)
from scalpsite.journal.validation import did_you_mean

ROTATE = "rotate sites: abdomen (not within 5 cm of the navel), thighs, upper arms (given by someone else)"


def record_findings(journal: Journal, config: Config, today: dt.date | None) -> list[Finding]:
    """Findings about injections.csv and the sessions' checklist answers."""
    effects = checklist(primary_treatment(config))
    found = [f for rec in journal.sessions if rec.session is not None
             for f in effect_findings(rec, rec.session, effects)]
    if journal.injections is not None:
        rows = sorted(journal.injections.rows, key=lambda r: (r.row.date, r.line))
        found += log_findings(rows, config, today) + schedule_bound(journal, config, rows, today)
    return found


def schedule_bound(journal: Journal, config: Config, rows: list[Injection], today: dt.date | None) -> list[Finding]:
    """An error when the tracked treatment's dosing gives more due dates than scalpsite follows
    (by today, or the last session or injection when later): a start or interval typed wrong."""
    primary = primary_treatment(config)
    plan = dosing(primary)
    if primary is None or plan is None:
        return []
    dates = [d for d in (today, *(r.row.date for r in rows[-1:]), *(s.date for s in journal.sessions[-1:])) if d]
    last = min([max(dates, default=primary.start), *([primary.end] if primary.end else [])])
    count = due_count(primary.start, plan.interval_days, last)
    if count <= MAX_DOSES:
        return []
    index = config.treatments.index(primary)
    return [error("dosing-too-long", "scalpsite.yaml", f"treatments[{index}]: a dose every {plan.interval_days} "
                  f"day{'s' * (plan.interval_days != 1)} from {primary.start} makes {count:,} doses due by {last}; scalpsite follows at most "
                  f"{MAX_DOSES:,}", journal.config_lines.get(("treatments", index, "start")),
                  "check the start date and dosing.interval_days (the adherence counts only the first "
                  f"{MAX_DOSES:,} doses until then)")]


def effect_findings(rec: SessionRecord, s: Session, effects: list[Effect]) -> list[Finding]:
    """Whether session `s` (of `rec`) recorded side effects at all; unknown checklist keys; contradictions."""
    found: list[Finding] = []
    said = answers(s, effects)
    if not asked_about(s):
        found.append(warning("side-effects-not-recorded", rec.yaml_path, "side effects not recorded",
                             hint="answer expected_effects (no, yes, mild ...) or write side_effects: none "
                                  "(or a list), so the log knows nothing happened"))
    elif said.get("injection_site_reaction", "asked") is None:
        found.append(warning("injection-site-not-recorded", rec.yaml_path, "injection-site reaction not recorded",
                             rec.lines.get(("expected_effects",)),
                             "answer expected_effects.injection_site_reaction: no, mild, moderate or severe"))
    keys = [e.key for e in effects]
    for key in s.expected_effects:
        if key not in keys:
            found.append(warning("unknown-effect", rec.yaml_path, f"expected_effects: '{key}' is not on the "
                                 f"treatment's checklist{did_you_mean(key, keys)}", rec.lines.get(("expected_effects", key)),
                                 "use a key of the list, or add the effect to the treatment's expected_effects "
                                 "in scalpsite.yaml"))
    for key in conflicts(s, effects):
        found.append(warning("effect-conflict", rec.yaml_path, f"expected_effects.{key} is 'no', but the session "
                             f"reports it ({said[key]})", rec.lines.get(("expected_effects", key)),
                             "make the answer agree with side_effects or injection_site"))
    return found


def log_findings(rows: list[Injection], config: Config, today: dt.date | None) -> list[Finding]:
    """Every row against the treatments, the calendar and the row before; then an overdue dose."""
    found: list[Finding] = []
    previous: Injection | None = None
    seen: dict[tuple, Injection] = {}
    for r in rows:
        found += _row_findings(r, config, today)
        same = seen.setdefault((r.row.date, generic(r.row.drug), r.row.site), r)
        if same is not r:
            found.append(warning("injection-duplicate", LOG_FILE, f"injection on {r.row.date}: the same drug "
                                 f"and site as line {same.line} (a row logged twice?)", r.line,
                                 "remove one of the two rows; for two injections that day, note each one's site"))
        elif r.row.site is None:
            found.append(warning("injection-site-missing", LOG_FILE, f"injection on {r.row.date}: site not noted",
                                 r.line, "add the site, so the rotation can be followed: " + ", ".join(SITE_LABELS)))
        elif previous is not None and previous.row.site == r.row.site and same_drug(previous.row.drug, r.row.drug):
            found.append(warning("injection-same-site", LOG_FILE, f"injection on {r.row.date} at {r.row.site}, "
                                 f"the same site as the one before ({previous.row.date})", r.line, ROTATE))
        previous = r
    return found + (_overdue(rows, config, today) if today is not None else [])


def _row_findings(r: Injection, config: Config, today: dt.date | None) -> list[Finding]:
    row = r.row
    if today is not None and row.date > today:
        return [error("injection-future", LOG_FILE, f"injection dated {row.date}, after today ({today})", r.line,
                      "check the date")]
    treatment = treatment_of(config, row.drug, row.date)
    if treatment is None:
        drugs = [t.drug for t in config.treatments]
        return [warning("injection-unknown-drug", LOG_FILE, f"drug '{row.drug}' is not a treatment in "
                        f"scalpsite.yaml{did_you_mean(row.drug, drugs)}", r.line,
                        "name the drug as scalpsite.yaml's treatments do: " + ", ".join(drugs))]
    if row.date < treatment.start or (treatment.end is not None and row.date > treatment.end):
        when = f"before {treatment.drug} started ({treatment.start})" if row.date < treatment.start \
            else f"after {treatment.drug} ended ({treatment.end})"
        return [warning("injection-outside-treatment", LOG_FILE, f"injection on {row.date}, {when}", r.line,
                        "check the date, or the treatment's start and end in scalpsite.yaml")]
    return []


def _overdue(rows: list[Injection], config: Config, today: dt.date) -> list[Finding]:
    """A warning when the latest dose due of the tracked treatment was missed and nothing came after."""
    primary = primary_treatment(config)
    plan = dosing(primary)
    if primary is None or plan is None or primary.end is not None:
        return []
    days = [r.row.date for r in rows if same_drug(r.row.drug, primary.drug) and r.row.date <= today]
    done = doses(primary.start, None, plan, days, today)
    decided = [d for d in done if d.status != "pending"]
    if not decided or decided[-1].status != "missed":
        return []
    due = decided[-1].due
    return [warning("injection-overdue", LOG_FILE, f"no injection of {primary.drug} logged for the dose due on "
                    f"{due} (its window closed on {due + dt.timedelta(days=7)})",
                    hint="log it (scalpsite new --injection --date YYYY-MM-DD --site SITE), or give the "
                         "treatment an end in scalpsite.yaml")]
