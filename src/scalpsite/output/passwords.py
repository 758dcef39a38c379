"""Passwords for encrypted output: the strength rule and generated passphrases."""

from __future__ import annotations

import functools
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from scalpsite.errors import BuildError

MIN_LENGTH = 12
MIN_SCORE = 4  # zxcvbn's top score: an estimated 10^10 guesses or more
# The PDF standard reads up to 127 bytes of an AES-256 password, but readers built on poppler
# (Evince, Okular; checked with poppler 22.12) read only the first 32, so a longer one would not open
# the dossier there. One password opens everything, so every password keeps within 32 bytes.
MAX_BYTES = 32
WORDS = 6  # 6 words of 7,776 whose whole phrase fits in MAX_BYTES: about 64 bits
SEPARATOR = "-"
WORDLIST = Path(__file__).with_name("eff_large_wordlist.txt")

RULE = (f"at least {MIN_LENGTH} characters and at most {MAX_BYTES} bytes (the most that every PDF "
        f"reader reads), rated {MIN_SCORE} of 4 (an estimated 10^10 guesses or more) by the zxcvbn "
        "strength estimator, which also counts the journal's title, the patient's name and the drug "
        "names as easy guesses")


@dataclass(frozen=True)
class Verdict:
    """What the strength rule says of a password; `problem` is None when it passes."""

    problem: str | None
    score: int


def normalize(password: str) -> str:
    """The form every reader uses: Unicode NFC, so the same typed text gives the same key."""
    return unicodedata.normalize("NFC", password)


def judge(password: str, hints: Sequence[str] = ()) -> Verdict:
    """Apply the documented rule (length, zxcvbn score) to a password."""
    from zxcvbn import zxcvbn

    password = normalize(password)
    if len(password) < MIN_LENGTH:
        return Verdict(f"it has {len(password)} characters; use at least {MIN_LENGTH}", 0)
    if len(password.encode("utf-8")) > MAX_BYTES:
        return Verdict(f"it has {len(password.encode('utf-8'))} bytes; use at most {MAX_BYTES}, the most "
                       "that PDF readers built on poppler (Evince, Okular) read", 0)
    result = zxcvbn(password, user_inputs=[h for h in hints if h])
    if result["score"] >= MIN_SCORE:
        return Verdict(None, result["score"])
    advice = " ".join(x for x in [result["feedback"].get("warning"), *result["feedback"].get("suggestions", [])] if x)
    return Verdict(f"it is rated {result['score']} of 4 by zxcvbn (at least {MIN_SCORE} is needed)"
                   + (f": {advice}" if advice else ""), result["score"])


def require_strong(password: str, hints: Sequence[str] = ()) -> None:
    """Raise a BuildError naming the rule when the password is too weak."""
    verdict = judge(password, hints)
    if verdict.problem:
        raise BuildError(f"password refused: {verdict.problem.rstrip('.')}. The rule: {RULE}. "
                         "Use --generate-password for a strong passphrase.")


@functools.cache
def wordlist() -> tuple[str, ...]:
    """The EFF long word list (7,776 words; see EFF-WORDLIST-LICENSE.md)."""
    words = tuple(WORDLIST.read_text(encoding="ascii").split())
    if len(words) != 7776 or len(set(words)) != 7776:
        raise BuildError(f"the word list {WORDLIST} is damaged; reinstall scalpsite")
    return words


def generate(words: int = WORDS) -> str:
    """A diceware-style passphrase: `words` words drawn with `secrets`, joined by hyphens.

    Drawn again until it fits in MAX_BYTES, which makes it uniform over the 2^64 six-word phrases
    of at most 32 characters (about one draw in ten thousand fits; each draw takes microseconds).
    """
    pool = wordlist()
    while True:
        phrase = SEPARATOR.join(secrets.choice(pool) for _ in range(words))
        if len(phrase) <= MAX_BYTES:
            return phrase
