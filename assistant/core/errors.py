"""The one error type the user sees: a single line that names the problem and the fix."""


class PMCError(Exception):
    """A problem the user can fix. `str()` is the whole one-line message."""

    exit_code = 2
