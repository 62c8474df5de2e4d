"""Golden master: recorded outputs of the bundled scenarios, one experiment and one comparison."""
