"""Issue 18 items 5, 6 and 10: YAML read as YAML 1.2 (like editors), and every message in the journal's words."""

import re

import pytest
from conftest import write_journal

from scalpsite.errors import JournalError
from scalpsite.journal.load import load
from scalpsite.journal.configmodel import Config
from scalpsite.journal.models import Session
from scalpsite.journal.validation import WORDING, validate
from scalpsite.journal.yamlsource import YAML_WORDING, parse_yaml

JARGON = re.compile(r"Input should|dictionary|instance of|after validation|valid (string|number|integer|list)"
                    r"|cannot start any token|\bnode\b|<block|<scalar>|Field required|Traceback")


@pytest.mark.parametrize("text, data", [
    ("injection_site: no", {"injection_site": "no"}),
    ("lighting: 12:30", {"lighting": "12:30"}),
    ("medications: [yes]", {"medications": ["yes"]}),
    ("a: [on, off, y, n, Yes, NO]", {"a": ["on", "off", "y", "n", "Yes", "NO"]}),
    ("a: [true, False, TRUE]", {"a": [True, False, True]}),
    ("date: 2025-01-06", {"date": "2025-01-06"}),  # dates stay text until a model reads them
    ("a: [012, 0o17, 0x1f, +5, -3]", {"a": [12, 15, 31, 5, -3]}),
    ("a: [1.5, 1e3, .inf, 3.]", {"a": [1.5, 1000.0, float("inf"), 3.0]}),
    ("a: [~, null, NULL, ]", {"a": [None, None, None]}),
    ("a:", {"a": None}),
    ("a: 1_000", {"a": "1_000"}),
])
def test_plain_scalars_are_read_as_yaml_1_2_reads_them(text, data):
    """Item 5: the editor (YAML 1.2) and the CLI agree on what a plain scalar is."""
    assert parse_yaml(text, "s.yaml").data == data


def test_yaml_1_1_surprises_give_findings_in_words(tmp_path):
    """Item 5: `injection_site: no` is the text 'no' (with a did-you-mean), `lighting: 12:30` is text."""
    root = write_journal(tmp_path / "j", {"2025-01-06": "injection_site: no\nlighting: 12:30\nmedications: [yes]\n"})
    journal = load(root)
    [f] = journal.findings
    assert (f.line, f.column) == (1, 1)
    assert f.message == "injection_site: the text 'no' is not one of none, mild, moderate, severe (did you mean 'none'?)"
    session = journal.sessions[0].session or Session.model_validate({"lighting": "12:30"})
    assert session.lighting == "12:30"


SESSION_CASES = [  # (pydantic error kind, session.yaml text, message, fix)
    ("string_type", "lighting: 750", "lighting: expected text, got the number 750",
     'put it in quotes: lighting: "750"'),
    ("int_type", "ad: {itch: true}", "ad.itch: expected a whole number, got true (a yes/no value)",
     "itch takes a whole number (0 to 10): Peak Pruritus NRS: the worst itch in the past 24 hours, 0-10."),
    ("int_from_float", "ad: {poem: 3.5}", "ad.poem: expected a whole number, got the number 3.5", None),
    ("float_type", "salt: true", "salt: expected a number, got true (a yes/no value)", None),
    ("finite_number", "labs: {ige: {value: .inf}}", "labs.ige.value: expected a finite number, got the number inf",
     "value takes a number (-1000000 to 1000000): The result, as on the laboratory report."),
    ("greater_than_equal", "density: {frontal: -1}", "density.frontal: -1 is less than 0, the lowest value allowed",
     None),
    ("less_than_equal", "ad: {itch: 11}", "ad.itch: 11 is more than 10, the highest value allowed", None),
    ("multiple_of", ("ad: {easi: {head_neck: {area_pct: 5, erythema: 1.3}, upper_limbs: {area_pct: 0}, "
                     "trunk: {area_pct: 0}, lower_limbs: {area_pct: 0}}}"),
     "ad.easi.head_neck.erythema: 1.3 is not a multiple of 0.5", "use steps of 0.5"),
    ("too_short", "ad: {poem: [1, 2, 3]}", "ad.poem: 3 answers given; a list of answers has exactly 7",
     "give every answer (null for one not answered), or the total as one number"),
    ("too_long", "dlqi: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]", "dlqi: 11 answers given; a list of answers has exactly 10",
     None),
    ("string_too_short", "side_effects: [{name: ''}]", "side_effects[0].name: must not be empty", None),
    ("enum", "injection_site: sever",
     "injection_site: the text 'sever' is not one of none, mild, moderate, severe (did you mean 'severe'?)",
     "write injection_site: severe"),
    ("literal_error", "side_effects: no", "side_effects: the text 'no' is neither none nor a list of side effects",
     "write side_effects: none, or a list such as - {name: conjunctivitis, severity: mild}"),
    ("union_tag_invalid", "salt: [60, 30]",
     "salt: expected a number (the total) or its parts as keys, got a list of 2 items", None),
    ("model_type", "labs: {ige: 250}", "labs.ige: expected keys (value, unit, range), got the number 250",
     "write it as ige: {value: 250}"),
    ("dict_type", "density: [120]", "density: expected named entries (name: value), got a list of 1 item",
     "write one 'name: value' per line under density:"),
    ("list_type", "medications: emollient", "medications: expected a list, got the text 'emollient'",
     "write it in brackets: medications: [emollient]"),
    ("date_from_datetime_parsing", "date: 2025-1-6", "date: the text '2025-1-6' is not a date",
     "write the date as YYYY-MM-DD, e.g. 2025-01-06"),
    ("date_from_datetime_inexact", "date: 20250106", "date: the number 20250106 is not a date", None),
    ("missing", "salt: {top: 1, back: 2, left: 3}", "missing key 'right' in 'salt'", "add 'right:' with a value"),
    ("extra_forbidden", "densty: {}", "unknown key 'densty' (did you mean 'density'?)", None),
]


@pytest.mark.parametrize("kind, text, message, fix", SESSION_CASES, ids=[c[0] for c in SESSION_CASES])
def test_every_validation_kind_is_worded_for_the_journal(kind, text, message, fix):
    """Item 6: each pydantic error kind the models can raise has its own wording, without library jargon."""
    _, [finding] = validate(Session, parse_yaml(text, "s.yaml"), "s.yaml")
    assert finding.message == message and finding.line == 1
    if fix is not None:
        assert finding.hint == fix
    assert not JARGON.search(finding.message + finding.hint)


@pytest.mark.parametrize("text, message", [
    ("treatments: [{drug: x, start: 2025-01-01, schedule: weekly}]",
     "treatments[0].schedule: the text 'weekly' is not one of dupilumab, default"),
    ("treatments: [{drug: x, start: 2025-01-01, schedule: dupilumb}]",
     "treatments[0].schedule: the text 'dupilumb' is not one of dupilumab, default (did you mean 'dupilumab'?)"),
    ("treatments: []\ntheme: ../x", "theme: the text '../x' is not a plain name"),
    ("treatments: []\nphotos: {angles: []}", "photos.angles: 0 items; it needs at least 1"),
    ("treatments: []\npatient: Sam", "patient: expected keys (name, birth_date), got the text 'Sam'"),
    ("treatments: []\nconditions: [psoriasis]",
     "conditions[0]: the text 'psoriasis' is not one of alopecia_areata, atopic_dermatitis"),
])
def test_config_messages_and_the_schedule_enum(text, message):
    """Items 6 and 10: scalpsite.yaml kinds; `schedule: weekly` is an error, not a silent default."""
    _, findings = validate(Config, parse_yaml(text, "scalpsite.yaml"), "scalpsite.yaml")
    assert [f.message for f in findings] == [message]


def test_wording_table_covers_every_kind_tested():
    """Item 6: the kinds above are the table's kinds (a new kind needs a row and a test)."""
    tested = {c[0] for c in SESSION_CASES} - {"missing", "extra_forbidden"}
    assert tested <= set(WORDING)


def test_schedule_presets_match_the_enum():
    """Item 10: the enum of schedule presets is the analysis's table of presets."""
    from scalpsite.analysis.schedule import PRESETS
    from scalpsite.journal.configmodel import SCHEDULES

    assert set(SCHEDULES) == set(PRESETS)


YAML_CASES = [  # (what, text, line, message, fix)
    ("tab", "a: 1\n\tb: 2\n", 2, "a tab character; YAML indents with spaces only", "replace the tab with spaces"),
    ("reserved character", "a: @x\n", 1, "a value cannot start with '@'", 'put the value in quotes: key: "@..."'),
    ("colon in a value", "a: b: c\n", 1,
     "a ':' where a value was expected (a value holding ': ', or a key indented too far)", None),
    ("no colon", "a: 1\nb\nc: 2\n", 3, "a line that is neither 'key: value' nor a list item", None),
    ("open quote", 'a: "abc\nb: 2\n', 3, "a quote that is opened but never closed", "close the quote on the same line"),
    ("dash among keys", "a: b\n- c\n", 2, "a '-' list item among keys, or keys among list items", None),
    ("text after quotes", "a: 'x' y\n", 1, "text after a quoted value on the same line", None),
    ("indentation", "a:\n  b: 1\n c: 2\n", 3, "the indentation does not line up with the lines above", None),
    ("open list", "a: [1, 2\n", 2, "a list in [ ] that is not closed, or an item it cannot read", None),
    ("open mapping", "a: {b: 1\n", 2, "a set of keys in { } that is not closed, or an entry it cannot read", None),
    ("escape", 'a: "\\q"\n', 1, "an unknown escape '\\q' inside double quotes", None),
    ("two documents", "a: 1\n---\nb: 2\n", 2, "a second document: a line '---' inside the file", None),
    ("document end", "a: 1\n...\nb: 2\n", 3, "a line '...' or '---' ends the document before the end of the file", None),
    ("alias", "a: *x\n", 1, "YAML anchors and aliases (&name, *name) are not supported", "write the value out"),
    ("tag handle", "a: !x!y 1\n", 1, "YAML tags (!name) are not supported", "remove the tag"),
    ("block indicator", "a: |x\n  text\n", 1, "after '|' or '>' only '+', '-' or a digit may follow", None),
    ("directive", "a: 1\n%b: 2\n", 2, "a line starting with '%' (a YAML directive)", None),
    ("empty list item", "a: [,]\n", 1, "a value is missing, or starts with a character YAML reserves",
     "put the value in quotes"),
]


@pytest.mark.parametrize("what, text, line, message, fix", YAML_CASES, ids=[c[0] for c in YAML_CASES])
def test_every_yaml_error_kind_is_worded_with_its_line(what, text, line, message, fix):
    """Item 6: PyYAML's scanner and parser problems are explained in the journal's words."""
    with pytest.raises(JournalError) as err:
        parse_yaml(text, "s.yaml")
    assert err.value.detail == f"invalid YAML: {message}" and err.value.line == line
    if fix is not None:
        assert err.value.hint == fix
    assert not JARGON.search(err.value.detail + err.value.hint)


def test_yaml_table_rows_are_all_tested():
    """Item 6: every row of the YAML wording table is one of the cases above."""
    tested = [c[3] for c in YAML_CASES]
    for _, message, _ in YAML_WORDING:
        pattern = re.escape(message).replace(re.escape("{ch}"), ".+")
        assert any(re.fullmatch(pattern, t) for t in tested), message


@pytest.mark.parametrize("text, message", [
    ("a: !!python/object:os.system x\n", "cannot read 'x' with the YAML tag !!python/object:os.system; tags are not supported"),
    ("a: !!int x\n", "cannot read 'x' with the YAML tag !!int; tags are not supported"),
])
def test_tags_are_refused_in_words(text, message):
    """Item 6: a YAML tag is named, not a Python constructor error."""
    with pytest.raises(JournalError) as err:
        parse_yaml(text, "s.yaml")
    assert err.value.detail == message and err.value.hint == "remove the tag"


def test_an_invalid_file_finding_carries_the_yaml_fix(tmp_path):
    """Item 6: the fix of a YAML problem reaches the finding's hint."""
    root = write_journal(tmp_path / "j", {"2025-01-06": "side_effects: none\n\tsalt: 3\n"})
    [f] = load(root).findings
    assert (f.code, f.line, f.message, f.hint) == (
        "invalid-file", 2, "invalid YAML: a tab character; YAML indents with spaces only", "replace the tab with spaces")


@pytest.mark.parametrize("text", ["", "# nothing yet\n", "~\n", "null\n"])
def test_an_empty_session_yaml_is_a_session_with_nothing_recorded(tmp_path, text):
    """Item 10: the CLI accepts an empty session.yaml, and so does the editor schema."""
    import jsonschema

    from scalpsite.journal.editors import schema

    root = write_journal(tmp_path / "j", {"2025-01-06": text})
    journal = load(root)
    assert journal.findings == [] and journal.sessions[0].session == Session()
    jsonschema.validate(None, schema("session"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(None, schema("config"))
