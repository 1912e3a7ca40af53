"""The `tapgen` subcommands, one module each; domain logic lives outside this package."""
