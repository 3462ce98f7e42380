"""Developer tools behind `make chat`, `make eval` and `make bench`."""
