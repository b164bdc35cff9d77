"""Time-expression rules by family. Importing this package registers every rule in `RULES`
(registry.py); the order of the imports below is the order in which rules run."""

from newsprism.understand.timex.rules import absolute, clock, durations, fiscal, holidays, relative
from newsprism.understand.timex.rules.registry import RULES, Rule

__all__ = ["RULES", "Rule", "absolute", "clock", "durations", "fiscal", "holidays", "relative"]
