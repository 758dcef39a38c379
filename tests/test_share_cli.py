"""Issue 17 (private sharing) on the command line: where the password comes from, the strength
rule, the link, the bundle; exit codes and the exact message of each error path."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from sharing import PASSWORD, decrypt_site, private_journal

from scalpsite.cli import main
from scalpsite.output import passwords

RULE = passwords.RULE


@pytest.fixture
def private(tmp_path):
    return private_journal(tmp_path / "j")


@pytest.mark.parametrize("password, problem", [
    ("short1!", "it has 7 characters; use at least 12"),
    ("aaaaaaaaaaaaaaaa", ('it is rated 0 of 4 by zxcvbn (at least 4 is needed): Repeats like "aaa" are easy to '
                          "guess. Add another word or two. Uncommon words are better. Avoid repeated words "
                          "and characters")),
    ("Robin Testperson 1", ("it is rated 1 of 4 by zxcvbn (at least 4 is needed): Add another word or two. "
                            "Uncommon words are better")),
    ("correct horse battery staple lamp", ("it has 33 bytes; use at most 32, the most that PDF readers "
                                           "built on poppler (Evince, Okular) read")),
    ("é" * 17, "it has 34 bytes; use at most 32, the most that PDF readers built on poppler (Evince, Okular) read"),
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
])
def test_strength_rule(password, strong):
    """Issue 17 item 1: length and zxcvbn score, with the journal's words as easy guesses."""
    verdict = passwords.judge(password, ["Test journal", "Robin Testperson", "dupilumab", "scalpsite"])
    assert (verdict.problem is None) is strong


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


def test_print_link_warns_that_the_link_is_the_key(runner, private):
    """Issue 17 item 3: --print-link prints index.html#password=... with a warning."""
    password = "quartz ember ü violin harbor"
    result = runner.invoke(main, ["build", str(private), "--encrypt", "--print-link", "--no-pdf", "-q"],
                           env={"SCALPSITE_PASSWORD": password})
    assert result.exit_code == 0, result.output
    link = (private / "_site" / "index.html").resolve().as_uri() + "#password=" + quote(password, safe="")
    assert link in result.output.splitlines()
    assert ("Warning: this link contains the password. Anyone who has it can read the site; send it "
            "only by a private channel, never with the site itself.") in result.output


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
