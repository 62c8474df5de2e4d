"""Results folders: manifests and provenance, experiment stores, run and comparison folders."""
