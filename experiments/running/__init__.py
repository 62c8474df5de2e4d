"""Running experiments: one run task, the executors that run tasks, seeding and the runner."""
