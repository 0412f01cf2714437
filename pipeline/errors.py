"""Exceptions the pipeline raises on purpose.

    PipelineError
    ├── ConfigError      settings file: unknown key, wrong type, missing file
    │   └── RuleError    rule pack: bad pattern, unknown field, duplicate id (names file and rule)
    └── InputError       one input item cannot be read; the item is quarantined, the batch goes on

Errors from bad configuration stop a run before any task starts; an InputError never stops a
run: it becomes a quarantine record with its message.
"""


class PipelineError(Exception):
    """Base class of every error the pipeline raises on purpose."""


class ConfigError(PipelineError):
    """The configuration cannot be used; the message says which file and key."""


class RuleError(ConfigError):
    """A rule pack is invalid; the message names the pack file and the rule id."""


class InputError(PipelineError):
    """An input item cannot be read or decoded; it is quarantined with this message."""
