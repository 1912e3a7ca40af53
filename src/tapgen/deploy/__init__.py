"""Turning a rendered template into a running stack: change sets, the replacement guard, progress, outputs."""
