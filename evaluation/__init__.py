"""Evaluation: gold sets, metrics, the runner and its reports."""
