"""Command-line conventions a newcomer expects: pipes, init in a git folder, brand names, -V."""

import os
import subprocess
import sys

from conftest import COMPLETE, write_journal


def _closed_reader(args: list[str]) -> subprocess.CompletedProcess:
    """Run scalpsite with its standard output a pipe whose reader has already gone (`| head -0`)."""
    read, write = os.pipe()
    os.close(read)
    try:
        proc = subprocess.run([sys.executable, "-m", "scalpsite", *args], stdout=write,
                              stderr=subprocess.PIPE, text=True, timeout=120, check=False)
    finally:
        os.close(write)
    return proc


def test_a_closed_pipe_ends_quietly(tmp_path):
    """`scalpsite check | head -1`: no 'internal error', no traceback, whatever the timing."""
    root = write_journal(tmp_path / "j", {"2025-01-06": COMPLETE + "densty: 1\n", "2025-02-03": COMPLETE})
    for args in (["check", str(root), "--as-of", "2025-02-07"], ["export", str(root), "--format", "csv"],
                 ["schema", "--kind", "data"]):
        proc = _closed_reader(args)
        assert proc.stderr == "", (args, proc.stderr)
        assert proc.returncode == 1, args
