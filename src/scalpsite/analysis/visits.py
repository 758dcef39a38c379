"""Appointments: which one the dossier prepares for, when the physician last saw the records, and
what changed since. Decided once here; the site and the dossier show the same visit."""

from __future__ import annotations

import datetime as dt

from scalpsite.journal.load import Appointment


def _row(a: Appointment) -> dict:
    return {"date": a.date.isoformat(), "path": a.path, "clinician": a.meta.clinician, "purpose": a.meta.purpose}


def chosen_appointment(appointments: list[Appointment], for_date: dt.date | None,
                       last_session: dt.date | None) -> dict | None:
    """The appointment the dossier is for.

    With --for D: the appointment file of D, or a bare appointment on D without one. Without:
    the earliest appointment on or after the last session (the usual next visit), else none.
    """
    if for_date is not None:
        found = next((a for a in appointments if a.date == for_date), None)
        row = _row(found) if found else {"date": for_date.isoformat(), "path": None, "clinician": None,
                                         "purpose": None}
        return row | {"chosen_by": "for"}
    upcoming = [a for a in appointments if last_session is not None and a.date >= last_session]
    return _row(min(upcoming, key=lambda a: a.date)) | {"chosen_by": "next"} if upcoming else None


def previous_appointment(chosen: dict | None, appointments: list[Appointment]) -> dict | None:
    """The latest appointment strictly before the chosen one, or None."""
    if chosen is None:
        return None
    earlier = [a for a in appointments if a.date.isoformat() < chosen["date"]]
    return _row(max(earlier, key=lambda a: a.date)) if earlier else None


def last_visit(sessions: list[dict], previous: dict | None) -> dict | None:
    """What the physician saw at the previous appointment: the last session on or before it.

    `sessions` are those after the baseline that are since the previous visit: their folders.
    """
    if previous is None:
        return None
    seen = [s for s in sessions if s["date"] <= previous["date"]]
    since = [s["folder"] for s in sessions if s["date"] > previous["date"]]
    return {"date": previous["date"], "folder": seen[-1]["folder"] if seen else None,
            "session_date": seen[-1]["date"] if seen else None, "sessions_since": since}
