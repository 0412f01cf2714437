"""Measuring on real pages: the split, the two input paths, the baselines and the metric.

`python -m pipeline evaluate` (without `--gold`) runs `realpages.evaluate_split`s for every split
and prints one table; `pipeline/evaluate.py` keeps the gold-annotation mode for the seeds.
"""
