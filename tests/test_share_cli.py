"""Issue 17 (private sharing) on the command line: where the password comes from, the strength
rule, the link, the bundle; exit codes and the exact message of each error path."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from conftest import add_photo_work
from sharing import PASSWORD, decrypt_site, private_journal

from scalpsite.cli import main
from scalpsite.output import passwords

RULE = passwords.RULE


@pytest.fixture
def private(tmp_path, request):
    """The private journal; marked `warm_photos`, with the photo work of the run's shared build
    (its photos are the `journal` fixture's), as the `journal` fixture gives it."""
    root = private_journal(tmp_path / "j")
    if request.node.get_closest_marker("warm_photos"):
        add_photo_work(root, request.getfixturevalue("warm_cache"))
    return root


@pytest.mark.parametrize("password, problem", [
    ("short1!", "it has 7 characters; use at least 12"),
    ("aaaaaaaaaaaaaaaa", ('it is rated 0 of 4 by zxcvbn (at least 4 is needed): Repeats like "aaa" are easy to '
                          "guess. Add another word or two. Uncommon words are better. Avoid repeated words "
                          "and characters")),
    ("Robin Testperson 1", ("it leans on words of the journal (testperson, robin), which anyone who knows the "
                            "patient tries first; without them it is rated 0 of 4 by zxcvbn")),
    ("correct horse battery staple lamp " * 2, ("it has 68 bytes; use at most 64, the most the strength "
                                                "estimator reads")),
    ("é" * 33, "it has 66 bytes; use at most 64, the most the strength estimator reads"),
])
def test_weak_password_is_refused_with_the_rule(runner, private, password, problem):
    """Issue 17 item 1: weaker than the documented rule -> refused before anything is built."""
    result = runner.invoke(main, ["build", str(private), "--encrypt"], env={"SCALPSITE_PASSWORD": password})
    assert result.exit_code == 1
    assert result.output == (f"Error: password refused: {problem}. The rule: {RULE}. "
                             "Use --generate-password for a strong passphrase.\n")
    assert not (private / "_site").exists()


@pytest.mark.parametrize("password, strong", [
    ("correct horse battery staple", True),
    ("Xk9#mQ2$vL7!pR4z", True),
    ("Tr0ub4dor&3", False),  # 11 characters
    ("Test journal 2025!", False),  # the journal's title
    ("dupilumab-dupilumab", False),  # the drug, twice
    ("qwertyuiopasdfgh", False),
    ("correct horse battery staple lamp", True),  # 33 bytes: only the standalone PDF's limit is 32
])
def test_strength_rule(password, strong):
    """Issue 17 item 1: length and zxcvbn score, with the journal's words as easy guesses."""
    verdict = passwords.judge(password, ["Test journal", "Robin Testperson", "dupilumab", "scalpsite"])
    assert (verdict.problem is None) is strong


SAM = SimpleNamespace(title="Hair regrowth journal", conditions=["alopecia_areata", "atopic_dermatitis"],
                      patient=SimpleNamespace(name="Sam Example", birth_date=dt.date(1991, 5, 14)),
                      treatments=[SimpleNamespace(drug="dupilumab"), SimpleNamespace(drug="ciclosporin")])
SESSIONS = [dt.date(2025, 1, 6), dt.date(2025, 3, 3), dt.date(2026, 1, 12)]


@pytest.mark.parametrize("password, strong", [
    ("SamExample1991!", False),  # name + birth year
    ("SamExample-dupilumab", False),  # name + drug
    ("HairRegrowth2025!", False),  # title + a session year
    ("Dupixent-Example-14051991", False),  # brand name, name, birth date (DDMMYYYY)
    ("S4m-Exampl3-0514-Neoral", False),  # l33t, birth day, the brand of a past drug
    ("dupixent-lemon-tiger-1991", False),  # without the journal's words only "lemon tiger" is left
    ("Alopecia-Areata-20250106", False),  # the condition and a session date
    ("samexample-quartz-ember-violin-harbor", True),  # the name adds nothing, the rest is strong
    ("quartz-ember-violin-harbor-lake", True),
    ("Xk9#mQ2$vL7!pR4z", True),
])
def test_personal_passwords_are_refused(password, strong):
    """Issue 23 item 3: the journal's words (title, name, birth date, drugs and brands, session
    dates) are given to zxcvbn one by one, and the password must still be strong without them."""
    from scalpsite.output.passwords import journal_hints

    verdict = passwords.judge(password, journal_hints(SAM, SESSIONS))
    assert (verdict.problem is None) is strong, verdict


@pytest.mark.parametrize("day, forms", [
    (dt.date(1991, 5, 14), {"1991", "19910514", "14051991", "05141991", "140591", "051491", "910514", "1405",
                            "0514", "1451991", "5141991"}),
])
def test_date_forms(day, forms):
    """Issue 23 item 3: the common ways a date is written into a password."""
    assert set(passwords.date_forms(day)) == forms


def test_personal_password_refused_on_the_command_line(runner, tmp_path):
    """Issue 23 item 3 and 'Done when': a password made of the patient's details is refused before
    anything is built, naming the words it leans on."""
    from conftest import COMPLETE, write_journal

    config = ("title: Hair regrowth journal\npatient: {name: Sam Example, birth_date: 1991-05-14}\n"
              "conditions: [alopecia_areata]\ntreatments:\n  - drug: dupilumab\n    start: 2025-01-10\n")
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE}, config=config)
    result = runner.invoke(main, ["build", str(root), "--encrypt"], env={"SCALPSITE_PASSWORD": "SamExample1991!"})
    assert result.exit_code == 1
    assert result.output.startswith("Error: password refused: it leans on words of the journal (example, 1991, "
                                    "sam), which anyone who knows the patient tries first; without them it is "
                                    "rated 0 of 4 by zxcvbn. The rule: ")
    assert not (root / "_site").exists()


def test_generated_passphrase_is_six_list_words_and_strong():
    """Issue 17 item 1: a diceware-style passphrase from the bundled EFF list, drawn with secrets."""
    words = passwords.wordlist()
    assert len(words) == 7776 and words[0] == "abacus" and words[-1] == "zoom"
    made = {passwords.generate() for _ in range(5)}
    assert len(made) == 5
    for phrase in made:
        assert passwords.judge(phrase).problem is None
        assert len(phrase) <= 32 and len(phrase.split("-")) >= 6


@pytest.mark.parametrize("args, message", [
    (["--generate-password"], "Error: --generate-password works with --encrypt"),
    (["--print-link"], "Error: --print-link works with --encrypt"),
])
def test_options_that_need_encrypt(runner, private, args, message):
    """Issue 17 item 1: the password options make no sense without --encrypt."""
    result = runner.invoke(main, ["build", str(private), *args])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == message


def test_generate_password_with_the_variable_set_is_an_error(runner, private):
    """Issue 17 item 1: two sources for one password are refused, not silently chosen."""
    result = runner.invoke(main, ["build", str(private), "--encrypt", "--generate-password"],
                           env={"SCALPSITE_PASSWORD": PASSWORD})
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == ("Error: --generate-password makes a new password, but "
                                              "SCALPSITE_PASSWORD is set; unset it or leave out --generate-password")


@pytest.mark.warm_photos
def test_password_is_asked_twice_hidden(runner, private, monkeypatch):
    """Issue 17 item 1: with no variable, a hidden prompt asks twice; the typed text is not echoed."""
    monkeypatch.setattr("scalpsite.passwords_cli.terminal", lambda: True)  # as on a terminal
    result = runner.invoke(main, ["build", str(private), "--encrypt", "--no-pdf", "-q"],
                           input=f"{PASSWORD}\n{PASSWORD}\n", env={"SCALPSITE_PASSWORD": None})
    assert result.exit_code == 0, result.output
    assert "Password: " in result.output and "Repeat for confirmation: " in result.output
    assert PASSWORD not in result.output
    assert decrypt_site(private / "_site", PASSWORD)[1]["index.html"].startswith(b"<!doctype html>")


def test_no_password_typed_is_a_clear_error(runner, private, monkeypatch):
    """Issue 17 item 1: without a terminal or the variable, say where the password comes from, at once."""
    result = runner.invoke(main, ["build", str(private), "--encrypt"], input="", env={"SCALPSITE_PASSWORD": None})
    assert result.exit_code == 1
    assert result.output == ("Error: no terminal to type the password at: set SCALPSITE_PASSWORD, or use "
                             "--generate-password; nothing was built\n")
    monkeypatch.setattr("scalpsite.passwords_cli.terminal", lambda: True)  # a terminal, and the input ends
    result = runner.invoke(main, ["build", str(private), "--encrypt"], input="", env={"SCALPSITE_PASSWORD": None})
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == ("Error: no password given: type it twice at the prompt, or set "
                                              "SCALPSITE_PASSWORD; nothing was built")
    assert not (private / "_site").exists()


@pytest.mark.warm_photos
def test_generated_password_is_printed_once_and_opens_the_site(runner, private):
    """Issue 17 item 1: --generate-password prints the passphrase once, and it is the key."""
    result = runner.invoke(main, ["build", str(private), "--encrypt", "--generate-password", "--no-pdf"],
                           env={"SCALPSITE_PASSWORD": None})
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.output.splitlines() if ln.startswith("Password (shown only this once")]
    assert len(lines) == 1
    phrase = lines[0].split(": ", 1)[1]
    assert result.output.count(phrase) == 1
    assert "data.json" in decrypt_site(private / "_site", phrase)[1]


@pytest.mark.warm_photos
def test_print_link_warns_that_the_link_is_the_key(runner, private):
    """Issue 17 item 3: --print-link prints index.html#password=... with a warning."""
    password = "quartz ember ü violin harbor"
    result = runner.invoke(main, ["build", str(private), "--encrypt", "--print-link", "--no-pdf", "-q"],
                           env={"SCALPSITE_PASSWORD": password})
    assert result.exit_code == 0, result.output
    link = (private / "_site" / "index.html").resolve().as_uri() + "#password=" + quote(password, safe="")
    assert link in result.output.splitlines()
    assert ("Warning: this link contains the password. Anyone who has it can read the site; send it "
            "only by a private channel, never with the site itself. A browser that opens it keeps it in "
            "its history.") in " ".join(result.output.split())


@pytest.mark.warm_photos
def test_bundle_reports_its_size_and_whether_it_is_encrypted(runner, private):
    """Issue 17 item 4: the size is reported against the limit."""
    result = runner.invoke(main, ["bundle", str(private), "--encrypt"], env={"SCALPSITE_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.output
    made = private / "_bundle.html"
    size = made.stat().st_size / 1_000_000
    assert result.output == f"Bundle written: {made.resolve()} ({size:.1f} MB of at most 20 MB; encrypted)\n"
    plain = runner.invoke(main, ["bundle", str(private), "--max-size", "5"])
    assert plain.exit_code == 0
    assert plain.output.endswith("of at most 5 MB; NOT encrypted: anyone who gets the file can read it)\n")


@pytest.mark.warm_photos
def test_bundle_of_a_journal_with_errors_names_them_and_exits_1(runner, private):
    """Issue 17 item 4: like build, the bundle is written but the journal's errors are named (exit 1)."""
    (private / "sessions/2025-03-03/session.yaml").write_text("salt: {top: 500}\n")
    result = runner.invoke(main, ["bundle", str(private)])
    assert result.exit_code == 1
    assert (private / "_bundle.html").is_file()
    assert "error: sessions/2025-03-03/session.yaml:1:" in result.output


@pytest.mark.parametrize("name, code, message", [
    ("record.pdf", 1, "Error: bundle file {p} must end in .html, so that it opens in a web browser"),
    ("sessions/2025-01-06/b.html", 1, "Error: bundle file {p} is inside the journal's sessions; choose {j}/_bundle.html"),
    ("notes.html", 1, ("Error: {p} exists and was not made by scalpsite bundle; choose another file name "
                       "(nothing was changed)")),
    ("folder.html", 2, "Error: Invalid value for '-o' / '--out': File '{p}' is a directory."),
])
def test_bundle_refuses_a_path_that_could_harm_the_users_files(runner, private, name, code, message):
    """Issue 17 item 4 (and the safety rule): never overwrite a file scalpsite did not make."""
    (private / "notes.html").write_text("<p>mine</p>")
    (private / "folder.html").mkdir()
    target = private / name
    result = runner.invoke(main, ["bundle", str(private), "-o", str(target)])
    assert result.exit_code == code
    assert result.output.splitlines()[-1] == message.format(p=target, j=private)
    assert (private / "notes.html").read_text() == "<p>mine</p>"


def test_help_documents_the_password_sources_and_the_rule(runner):
    """Issue 17 item 1: the strength rule is in --help (and docs/encryption.md)."""
    for command in ("build", "bundle"):
        text = " ".join(runner.invoke(main, [command, "--help"]).output.split())
        assert "SCALPSITE_PASSWORD" in text and "at least 12 characters" in text and "zxcvbn" in text


def test_encrypted_build_and_bundle_write_only_their_output_and_the_cache(runner, private):
    """Issue 17 with the safety rule: the journal's own files are untouched; only OUT, the bundle
    and the cache are written."""
    mine = {p: p.read_bytes() for p in private.rglob("*") if p.is_file()}
    env = {"SCALPSITE_PASSWORD": PASSWORD}
    assert runner.invoke(main, ["build", str(private), "--encrypt"], env=env).exit_code == 0
    assert runner.invoke(main, ["bundle", str(private), "--encrypt"], env=env).exit_code == 0
    assert {p: p.read_bytes() for p in mine} == mine
    made = {p.relative_to(private).parts[0] for p in private.rglob("*")} - {p.relative_to(private).parts[0] for p in mine}
    assert made == {"_site", "_bundle.html", ".scalpsite-cache"}
