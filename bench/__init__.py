"""Benchmarks: each module's ``run(report)`` measures one thing against a floor measured in the same run."""
