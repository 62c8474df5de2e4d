"""One module per ``plsim`` subcommand; each exposes ``register(subparsers)``."""
