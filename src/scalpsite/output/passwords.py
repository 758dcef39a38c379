"""Passwords for encrypted output: the strength rule and generated passphrases."""

from __future__ import annotations

import datetime as dt
import functools
import re
import secrets
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scalpsite.errors import BuildError

MIN_LENGTH = 12
MIN_SCORE = 4  # zxcvbn's top score: an estimated 10^10 guesses or more
MAX_BYTES = 64  # the site's: zxcvbn reads at most 72 characters
# The PDF standard reads up to 127 bytes of an AES-256 password, but readers built on poppler
# (Evince, Okular; checked with poppler 22.12) read only the first 32, so a longer one would not
# open the standalone dossier there.
PDF_MAX_BYTES = 32
WORDS = 6  # 6 words of 7,776 whose whole phrase fits in PDF_MAX_BYTES: about 64 bits
SEPARATOR = "-"
WORDLIST = Path(__file__).with_name("eff_large_wordlist.txt")
# Words anyone who guesses what the pages are about tries first, whatever the journal says.
TOPIC = ("scalpsite", "scalp", "hair", "regrowth", "alopecia", "areata", "atopic", "dermatitis", "eczema",
         "journal", "dossier", "dermatology", "dermatologist")
# Brand names of drugs a journal may name (public product names), so that "Dupixent" is as easy a
# guess as "dupilumab".
BRANDS = {
    "dupilumab": ("dupixent",), "tralokinumab": ("adtralza", "adbry"), "lebrikizumab": ("ebglyss",),
    "nemolizumab": ("nemluvio",), "baricitinib": ("olumiant",), "ritlecitinib": ("litfulo",),
    "deuruxolitinib": ("leqselvi",), "upadacitinib": ("rinvoq",), "abrocitinib": ("cibinqo",),
    "tofacitinib": ("xeljanz",), "ruxolitinib": ("opzelura", "jakafi"), "ciclosporin": ("neoral", "sandimmun"),
    "cyclosporine": ("neoral", "sandimmune"), "methotrexate": ("metoject", "trexall", "otrexup"),
    "minoxidil": ("rogaine", "regaine", "loniten"), "finasteride": ("propecia", "proscar"),
    "dutasteride": ("avodart",), "triamcinolone": ("kenalog",), "clobetasol": ("dermovate", "clobex", "olux"),
    "spironolactone": ("aldactone",), "prednisolone": ("prednisone",), "tacrolimus": ("protopic",),
}
LEET = (str.maketrans("4@3!0$57|1", "aaeiosstli"), str.maketrans("4@3!0$57|1", "aaeiosstll"))

RULE = (f"at least {MIN_LENGTH} characters and at most {MAX_BYTES} bytes, rated {MIN_SCORE} of 4 (an "
        "estimated 10^10 guesses or more) by the zxcvbn strength estimator, also once the journal's "
        "own words are taken out (every word of its title, the patient's name, the drug names and "
        "their brand names, the birth date and the session dates in common forms)")
PDF_RULE = (f"the same rule with at most {PDF_MAX_BYTES} bytes (the most that every PDF reader reads), "
            "and never the site's password")


@dataclass(frozen=True)
class Verdict:
    """What the strength rule says of a password; `problem` is None when it passes."""

    problem: str | None
    score: int


def normalize(password: str) -> str:
    """The form every reader uses: Unicode NFC, so the same typed text gives the same key."""
    return unicodedata.normalize("NFC", password)


def judge(password: str, hints: Sequence[str] = (), max_bytes: int = MAX_BYTES) -> Verdict:
    """Apply the documented rule (length, zxcvbn score with and without the journal's words)."""
    password = normalize(password)
    if len(password) < MIN_LENGTH:
        return Verdict(f"it has {len(password)} characters; use at least {MIN_LENGTH}", 0)
    size = len(password.encode("utf-8"))
    if size > max_bytes:
        why = ("the most that PDF readers built on poppler (Evince, Okular) read" if max_bytes == PDF_MAX_BYTES
               else "the most the strength estimator reads")
        return Verdict(f"it has {size} bytes; use at most {max_bytes}, {why}", 0)
    words = personal_words(hints)
    rest, used = without_words(password, words)
    score = (_rate(rest, []).score if rest else 0) if used else MIN_SCORE
    if score < MIN_SCORE:
        return Verdict(f"it leans on words of the journal ({', '.join(used)}), which anyone who knows the "
                       f"patient tries first; without them it is rated {score} of 4 by zxcvbn", score)
    return _rate(password, words)


def _rate(password: str, user_inputs: list[str]) -> Verdict:
    from zxcvbn import zxcvbn

    result = zxcvbn(password, user_inputs=user_inputs)
    if result["score"] >= MIN_SCORE:
        return Verdict(None, result["score"])
    advice = " ".join(x for x in [result["feedback"].get("warning"), *result["feedback"].get("suggestions", [])] if x)
    return Verdict(f"it is rated {result['score']} of 4 by zxcvbn (at least {MIN_SCORE} is needed)"
                   + (f": {advice}" if advice else ""), result["score"])


def require_strong(password: str, hints: Sequence[str] = (), pdf: bool = False, site: str | None = None) -> None:
    """Raise a BuildError naming the rule when the password is too weak (or, for the standalone
    PDF, when it is the site's password)."""
    if pdf and site is not None and normalize(password) == normalize(site):
        problem: str | None = "it is the site's password; the standalone PDF needs a password of its own"
    else:
        problem = judge(password, hints, PDF_MAX_BYTES if pdf else MAX_BYTES).problem
    if problem:
        which, rule = ("PDF password", f"{RULE}; for the PDF, {PDF_RULE}") if pdf else ("password", RULE)
        raise BuildError(f"{which} refused: {problem.rstrip('.')}. The rule: {rule}. "
                         "Use --generate-password for a strong passphrase.")


def journal_hints(config: Any, session_dates: Iterable[dt.date]) -> list[str]:
    """The journal's own words: its title, the patient's name and birth date, the drugs (with
    their brand names), the conditions and the session dates, and the topic's words."""
    drugs = [t.drug for t in config.treatments]
    texts = [config.title, config.patient.name or "", *drugs, *(str(c) for c in config.conditions), *TOPIC]
    texts += [brand for drug in drugs for word in _words(drug) for brand in BRANDS.get(word, ())]
    dates = [config.patient.birth_date] if config.patient.birth_date else []
    return texts + [form for day in [*dates, *session_dates] for form in date_forms(day)]


def date_forms(day: dt.date) -> list[str]:
    """A date as people put it in passwords: 1991, 19910514, 14051991, 05141991, 140591, 0514 ..."""
    y, yy, m, d = f"{day.year}", f"{day.year % 100:02d}", f"{day.month:02d}", f"{day.day:02d}"
    return [y, y + m + d, d + m + y, m + d + y, d + m + yy, m + d + yy, yy + m + d, d + m, m + d,
            f"{day.day}{day.month}{y}", f"{day.month}{day.day}{y}"]


def _words(text: str) -> list[str]:
    """Runs of letters and runs of digits, folded (case, accents): "SamExample-1991" -> sam, example, 1991."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)
    return [w for w in re.findall(r"[^\W\d_]+|\d+", _fold(spaced))]


def _fold(text: str) -> str:
    """Lower case without accents, one character for one (so positions still match)."""
    out = []
    for ch in text:
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)).casefold()
        out.append(base if len(base) == 1 else ch.lower()[:1] or ch)
    return "".join(out)


def personal_words(hints: Sequence[str]) -> list[str]:
    """The words taken out before the second rating: letters of 3 or more, digits of 4 or more."""
    found = {w for h in hints for w in _words(h) if (len(w) >= 4 if w.isdigit() else len(w) >= 3)}
    return sorted(found, key=lambda w: (-len(w), w))


def without_words(password: str, words: Sequence[str]) -> tuple[str, list[str]]:
    """The password with every journal word in it taken out (any case, accents, l33t), and the words found."""
    folded = _fold(password)
    covered = [False] * len(password)
    used = []
    for word in words:
        variants = [folded] if word.isdigit() else [folded, *(folded.translate(t) for t in LEET)]
        hits = [m.start() for v in variants for m in re.finditer(f"(?={re.escape(word)})", v)]
        if any(not all(covered[start:start + len(word)]) for start in hits):
            used.append(word)  # named only when it covers something a longer word did not
        for start in hits:
            covered[start:start + len(word)] = [True] * len(word)
    pieces = re.findall(r"[^\x00]+", "".join("\x00" if c else ch for ch, c in zip(password, covered, strict=True)))
    rest = " ".join(p for p in (re.sub(r"^\W+|\W+$", "", piece) for piece in pieces) if p)
    return rest, used


@functools.cache
def wordlist() -> tuple[str, ...]:
    """The EFF long word list (7,776 words; see EFF-WORDLIST-LICENSE.md)."""
    words = tuple(WORDLIST.read_text(encoding="ascii").split())
    if len(words) != 7776 or len(set(words)) != 7776:
        raise BuildError(f"the word list {WORDLIST} is damaged; reinstall scalpsite")
    return words


def generate(words: int = WORDS) -> str:
    """A diceware-style passphrase: `words` words drawn with `secrets`, joined by hyphens.

    Drawn again until it fits in PDF_MAX_BYTES, which makes it uniform over the 2^64 six-word
    phrases of at most 32 characters (about one draw in ten thousand fits; each draw takes
    microseconds), so that one generator serves the site and the standalone PDF.
    """
    pool = wordlist()
    while True:
        phrase = SEPARATOR.join(secrets.choice(pool) for _ in range(words))
        if len(phrase) <= PDF_MAX_BYTES:
            return phrase
