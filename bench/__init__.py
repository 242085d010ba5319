"""Benchmarks (`make bench`): each module measures our figure beside a baseline in the same run."""
