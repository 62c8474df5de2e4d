"""User interfaces over the model and the experiments: the ``plsim`` CLI and the dashboard."""
