"""Synthetic data at provincial scale for the benchmark (`manage.py gen_synthetic`, bench/run.py).

Built through the real models and their invariants, deterministic for a seed and a date. Synthetic rows
are recognisable: plan codes, region codes and user names start with "syn-".
"""

from bench.synthetic.runner import SyntheticError, generate, synthetic_digest
from bench.synthetic.sizing import Size, parse_scale, size_for

__all__ = ["Size", "SyntheticError", "generate", "parse_scale", "size_for", "synthetic_digest"]
