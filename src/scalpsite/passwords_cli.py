"""The command line's side of --encrypt: the password options, the prompt, and showing a new one."""

from __future__ import annotations

import os

import click

PASSWORD_ENV = "SCALPSITE_PASSWORD"


ENCRYPT_HELP = ("Encrypt everything with a password from SCALPSITE_PASSWORD or asked twice (hidden). "
                "It must have at least 12 characters, at most 32 bytes, and be rated 4 of 4 by the "
                "zxcvbn estimator; see docs/encryption.md.")
GENERATE_HELP = ("With --encrypt: make a six-word passphrase (at most 32 characters) from the EFF word "
                 "list and print it once.")


def encryption_options(command):
    """--encrypt and --generate-password, shared by build and bundle."""
    command = click.option("--generate-password", is_flag=True, help=GENERATE_HELP)(command)
    return click.option("--encrypt", is_flag=True, help=ENCRYPT_HELP)(command)


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
    try:
        return click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    except click.Abort:  # end of input (no terminal) or Ctrl-C
        raise click.ClickException(f"no password given: type it twice at the prompt, or set {PASSWORD_ENV}; "
                                   "nothing was built") from None


def show_password(password: str) -> None:
    """Print a generated password, the one time it is shown."""
    click.echo(f"Password (shown only this once; keep it in a password manager): {password}")
