"""SalesDesk benchmarks: a scale data generator, timed scenarios against hand-written baselines,
and JSON results. See bench/README.md."""
