"""Analysis of finished experiments: sensitivity indices and exports for other tools."""
