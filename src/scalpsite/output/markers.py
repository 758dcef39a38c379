"""The marker files that say a folder is a build's output; they are never part of what is packed."""

MARKER = ".scalpsite-output"
MARKER_TEXT = "This folder is written by scalpsite build and replaced on every build.\n"
# An encrypted output is marked without naming the program (docs/encryption.md).
SEALED_MARKER = ".vault-output"
SEALED_MARKER_TEXT = "This folder is replaced by every build of these pages.\n"
MARKERS = {MARKER: MARKER_TEXT, SEALED_MARKER: SEALED_MARKER_TEXT}
