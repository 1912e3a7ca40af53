"""Settings to template: builders, naming, IAM statements, the composition and the one render path."""
