"""The deterministic demo data set (fixed seed), also generated at larger scale for benchmarks."""
