"""Generated sample media for tests, benchmarks and the demo: nothing here is copied in."""
