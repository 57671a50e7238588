"""One error type for bad input: the CLI prints it as one line, without a traceback."""


class InputError(Exception):
    """Bad input (file, field or value); the message names where and what."""
