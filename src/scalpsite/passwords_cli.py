"""The command line's side of --encrypt: the password options, the prompt, and showing a new one."""

from __future__ import annotations

import os
import sys

import click

PASSWORD_ENV = "SCALPSITE_PASSWORD"
PDF_PASSWORD_ENV = "SCALPSITE_PDF_PASSWORD"


ENCRYPT_HELP = ("Encrypt everything with a password from SCALPSITE_PASSWORD or asked twice (hidden). "
                "It must have at least 12 characters, at most 64 bytes, and be rated 4 of 4 by the "
                "zxcvbn estimator, also without the journal's own words; see docs/encryption.md.")
PDF_HELP = ("With --encrypt: also write dossier.pdf as a standalone encrypted PDF (to send by e-mail) "
            "under a password of its own: SCALPSITE_PDF_PASSWORD, or one made and printed once. Its "
            "protection is weaker than the site's; see docs/encryption.md.")
GENERATE_HELP = ("With --encrypt: make a six-word passphrase (at most 32 characters) from the EFF word "
                 "list and print it once.")


def encryption_options(command):
    """--encrypt and --generate-password, shared by build and bundle."""
    command = click.option("--generate-password", is_flag=True, help=GENERATE_HELP)(command)
    return click.option("--encrypt", is_flag=True, help=ENCRYPT_HELP)(command)


def pdf_option(command):
    """--pdf-password, for build only (a bundle carries no PDF)."""
    return click.option("--pdf-password", is_flag=True, help=PDF_HELP)(command)


def ask_pdf_password(wanted: bool, encrypt: bool, pdf: bool) -> tuple[str | None, bool]:
    """The standalone PDF's password (from SCALPSITE_PDF_PASSWORD, else generated) and whether it
    was generated; (None, False) without --pdf-password."""
    if not wanted:
        return None, False
    if not encrypt:
        raise click.UsageError("--pdf-password works with --encrypt")
    if not pdf:
        raise click.UsageError("--pdf-password writes the dossier; leave out --no-pdf")
    given = os.environ.get(PDF_PASSWORD_ENV)
    if given is not None:
        return given, False
    from scalpsite.output.passwords import generate as make

    return make(), True


def ask_password(encrypt: bool, generate: bool) -> str | None:
    """The password for --encrypt: generated, from SCALPSITE_PASSWORD, or typed twice, hidden."""
    if not encrypt:
        if generate:
            raise click.UsageError("--generate-password works with --encrypt")
        if os.environ.get(PASSWORD_ENV):  # a password at hand is no encryption: say which it is
            click.echo(f"Note: {PASSWORD_ENV} is set, but without --encrypt the output is NOT encrypted: "
                       "anyone who gets it can read it. Add --encrypt to use the password.", err=True)
        return None
    from_env = os.environ.get(PASSWORD_ENV)
    if generate:
        if from_env is not None:
            raise click.UsageError(f"--generate-password makes a new password, but {PASSWORD_ENV} is set; "
                                   "unset it or leave out --generate-password")
        from scalpsite.output.passwords import generate as make

        return make()
    if from_env is not None:
        return from_env
    if not terminal():  # a prompt nobody can answer would wait, or read a password from a pipe
        raise click.ClickException(f"no terminal to type the password at: set {PASSWORD_ENV}, or use "
                                   "--generate-password; nothing was built")
    try:
        return click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    except click.Abort:  # end of input (no terminal) or Ctrl-C
        raise click.ClickException(f"no password given: type it twice at the prompt, or set {PASSWORD_ENV}; "
                                   "nothing was built") from None


def terminal() -> bool:
    """Whether a person can answer a prompt: standard input is a terminal."""
    return sys.stdin.isatty()


def show_password(password: str, what: str = "Password") -> None:
    """Print a generated password, the one time it is shown."""
    click.echo(f"{what} (shown only this once; keep it in a password manager): {password}")


def warn_pdf(out) -> None:
    """What the standalone PDF's password protects, said every time one is written."""
    click.echo(f"Warning: {out / 'dossier.pdf'} is encrypted with the PDF standard's own password check, "
               "which a guesser can test hundreds of times faster than the site's; its password is the "
               "whole defence. Send the PDF and its password by different channels.", err=True)
