"""One module per concern; each function returns troposphere objects and adds nothing to a template."""
