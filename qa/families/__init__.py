"""Question families, one module each (patterns + SPARQL + phrasing + examples), in priority order.

The first family whose ``matches(frame, ctx)`` holds answers; a family may return None to pass the
question on to the next one.
"""
from . import (cagr, company, compare, consistency, definition, drivers, estimate, filter, growth, lookup, metadata,
               parts, rate, share, superlative, trends)

FAMILIES = [metadata, drivers, trends, definition, parts, consistency, company, estimate, growth, share, filter, compare,
            superlative, cagr, rate, lookup]

__all__ = ["FAMILIES"]
