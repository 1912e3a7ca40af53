"""Code shared by the TAP functions: settings, logging, AWS clients and item access."""
