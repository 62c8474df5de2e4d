"""User interfaces on top of the model and the experiment layer: the ``plsim`` CLI and the dashboard."""
