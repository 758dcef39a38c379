"""The responder milestones in data.json, typed: badges, the one-line response and the course of
each milestone by the runs rule (response/milestones.py and response/runs.py fill them)."""

from __future__ import annotations

from pydantic import Field

from scalpsite.analysis.results.base import Day, Out


class Milestone(Out):
    """A responder milestone as a badge: green only while its latest run is met or kept."""

    key: str
    label: str
    date: Day | None = Field(description="the first session after baseline that met it")
    condition: str = Field(description="the condition it belongs to")
    status: str = Field(description="not_met, met, kept, lost or not_kept (the latest run; see trajectories)")
    badge_text: str = Field(description="the status in a few words, e.g. 'kept since 23 Oct 2026'")
    green: bool = Field(description="whether its latest run is met or kept")
    headline: bool = Field(description="one of the (at most 6) badges page 1 shows; the others are in the table")


class Response(Out):
    status: str = Field(description="not_reached, met, kept, lost or not_kept (the SALT30 course)")
    label: str
    since: Day | None = Field(description="the start of the current run (met or kept)")
    lost_on: Day | None


class Run(Out):
    """One run of sessions meeting a milestone (the runs rule)."""

    start: Day = Field(description="the first session of the run")
    confirmed_on: Day | None = Field(description="the session that completed 4 weeks met: kept from here")
    end: Day | None = Field(description="lost on (after kept) or ended on (before kept); null while it goes on")
    outcome: str = Field(description="ongoing, lost or ended")


class Trajectory(Out):
    """The course of a responder milestone by the runs rule (met, kept, lost, kept again)."""

    key: str
    label: str
    followed: bool = Field(description="one of the courses page 1 states in words (SALT ≤ 20, SALT30)")
    status: str = Field(description="not_met (never), met (the latest run, not yet kept), kept, lost (the latest "
                        "run was kept, then failed at two consecutive sessions) or not_kept (it ended before kept)")
    first_met: Day | None
    kept_since: Day | None = Field(description="the start of the latest run, while it is kept")
    confirmed_on: Day | None = Field(description="the session that confirmed it kept (4 weeks after its start)")
    lost_on: Day | None = Field(description="while lost: the second of two consecutive failing sessions")
    latest_met: bool | None = Field(description="whether the latest session that counts met it")
    green: bool = Field(description="whether the latest run is met or kept")
    runs: list[Run] = Field(description="every run, in date order: the history of the response")
    history_text: str = Field(description="every run in words: start, kept, lost or ended")
    status_label: str
    badge_text: str
