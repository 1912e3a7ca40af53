"""AWS itself: clients, account and partition, and reading a deployed stack."""
