"""injections.csv: the injection log at the journal root, read row by row into typed records.

A spreadsheet or a phone may edit the file, so it is read leniently where that is safe (any
column order, blank lines, a UTF-8 byte-order mark) and strictly where it matters: every row is
validated by `InjectionRow`, and each problem is a finding with the file's line and a fix.
`append` adds one row and never rewrites what is there.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from scalpsite.errors import JournalError, ScalpsiteError
from scalpsite.findings import Finding, error
from scalpsite.journal.models import InjectionRow
from scalpsite.journal.paths import within
from scalpsite.journal.validation import did_you_mean, validate
from scalpsite.journal.yamlsource import YamlDoc, read_text

LOG_FILE = "injections.csv"
COLUMNS = list(InjectionRow.model_fields)  # the header `new --injection` writes
REQUIRED = [name for name, f in InjectionRow.model_fields.items() if f.is_required()] + ["site"]


@dataclass(frozen=True)
class Injection:
    """One valid row of the log and the line it is on."""

    line: int
    row: InjectionRow


@dataclass
class InjectionLog:
    """The rows of injections.csv that are valid, in file order (the others are findings)."""

    rows: list[Injection] = field(default_factory=list)
    path: str = LOG_FILE


def read_log(root: Path, findings: list[Finding]) -> InjectionLog | None:
    """The journal's injection log, or None when it has none; problems go to `findings`."""
    path = root / LOG_FILE
    if not path.exists() and not path.is_symlink():
        return None
    if not within(root, path) or not path.is_file():
        findings.append(error("link-outside", LOG_FILE, "injections.csv is a link to a place outside the "
                              "journal (or not a file), so scalpsite does not read it",
                              hint="copy the file into the journal instead"))
        return None
    try:
        text = read_text(path, LOG_FILE)
    except JournalError as exc:
        findings.append(error("invalid-file", LOG_FILE, exc.detail, exc.line, exc.hint or ""))
        return None
    return parse_log(text, findings)


def parse_log(text: str, findings: list[Finding]) -> InjectionLog:
    """The rows of the CSV text; a bad header stops the reading, a bad row is skipped.

    Quoting is read strictly: a quote never closed would swallow every later row into one
    note, so the first broken row is an error with its line, and nothing after it is read.
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    log = InjectionLog()
    line = 1
    try:
        header = _header(reader, findings)
        if header is None:
            return log
        line = reader.line_num + 1
        for cells in reader:
            start, line = line, reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            row = _row(header, cells, start, findings)
            if row is not None:
                log.rows.append(Injection(start, row))
    except csv.Error as exc:
        findings.append(_broken(exc, line, reader.line_num))
    return log


def _broken(exc: csv.Error, line: int, end: int) -> Finding:
    """The error for CSV text that cannot be read from `line` on (the reader stopped at `end`)."""
    reason = str(exc)
    fix = ('quote a cell as a whole ("a note, with a comma"), write a quote inside it twice (""), '
           "and close every quote")
    if "field larger than field limit" in reason:
        what = f"a cell is longer than {csv.field_size_limit():,} characters"
        fix = "shorten the cell (a long text belongs in a session's notes.md), or close the quote that runs on"
    elif "unexpected end of data" in reason:
        what = "a quote opened here is never closed" + (f" (the file ends on line {end} inside it)"
                                                         if end > line else "")
    else:
        what = f"the quoting is broken ({reason})"
    return error("invalid-file", LOG_FILE, f"{what}; this row and those after it are not read", line, fix)


def _header(reader, findings: list[Finding]) -> list[str] | None:
    first = next(reader, None)
    if first is None:
        return None  # an empty file: a log with no injections yet
    names = [c.strip().lower() for c in first]
    unknown = [n for n in names if n not in COLUMNS]
    if unknown:
        findings.append(error("invalid-value", LOG_FILE, f"unknown column '{unknown[0]}'"
                              f"{did_you_mean(unknown[0], COLUMNS)}", 1, "the first line names the columns: "
                              + ",".join(COLUMNS)))
        return None
    missing = [n for n in REQUIRED if n not in names]
    if missing or len(set(names)) != len(names):
        what = f"no column '{missing[0]}'" if missing else "a column is named twice"
        findings.append(error("invalid-value", LOG_FILE, f"the header has {what}", 1,
                              "the first line names the columns: " + ",".join(COLUMNS)))
        return None
    return names


def _row(header: list[str], cells: list[str], line: int, findings: list[Finding]) -> InjectionRow | None:
    if len(cells) > len(header):
        findings.append(error("invalid-value", LOG_FILE, f"{len(cells)} cells but the header names "
                              f"{len(header)} columns", line, "put quotes around a note with a comma in it"))
        return None
    data = {name: (cells[i].strip() or None) if i < len(cells) else None for i, name in enumerate(header)}
    doc = YamlDoc(data, {(name,): line for name in header})
    row, problems = validate(InjectionRow, doc, LOG_FILE)
    findings.extend(problems)
    return row


def append(root: Path, row: InjectionRow) -> Path:
    """Add one row at the end of injections.csv (created with its header when missing)."""
    path = root / LOG_FILE
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise ScalpsiteError(f"{path} is a link or not a file; scalpsite only appends to a plain file")
    header = COLUMNS
    prefix = ""
    if path.exists():
        text = read_text(path, LOG_FILE)
        header, prefix = _appendable(text)
    values = row.model_dump(mode="json")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if not path.exists():
        writer.writerow(header)
    writer.writerow(["" if values[name] is None else _cell(values[name]) for name in header])
    with path.open("a", encoding="utf-8", newline="") as f:  # append only: the rows there stay as written
        f.write(prefix + buf.getvalue())
    return path


def _appendable(text: str) -> tuple[list[str], str]:
    """The header of a log a row may be added to, and what must come before the row; a log that
    does not read (bad header, broken quoting) is refused, as a row added to it could never be read."""
    found: list[Finding] = []
    header = _header(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")), found) or []
    if found or not header:
        problem = found[0].message if found else "it is empty"
        raise ScalpsiteError(f"{LOG_FILE}: {problem}; fix its first line (the column names: "
                             f"{','.join(COLUMNS)}) and run the command again")
    parse_log(text, found)
    broken = [f for f in found if f.code == "invalid-file"]
    if broken:
        raise ScalpsiteError(f"{LOG_FILE}:{broken[0].line}: {broken[0].message}; nothing was added, since "
                             "a row after it could never be read. Fix the file (run 'scalpsite check') and "
                             "run the command again")
    return header, "" if text.endswith(("\n", "\r")) else "\n"


def _cell(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
