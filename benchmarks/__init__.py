"""Speed and memory benchmarks (``make bench``); figures are measured ratios, never timed tests."""
