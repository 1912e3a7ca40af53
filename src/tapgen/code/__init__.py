"""The Lambda code: the contract with lambdas/, deterministic zips, their digests and upload."""
