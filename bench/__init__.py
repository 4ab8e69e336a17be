"""Benchmarks: training time, start-up, reply latency, memory and accuracy (see bench/README.md)."""
