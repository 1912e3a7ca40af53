"""The api function: TAP's HTTP API behind API Gateway (payload format 2.0)."""
