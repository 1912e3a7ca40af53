"""tapgen.toml: limits, the schema, the reader and loading of environments."""
