"""The local AWS: the embedded moto emulator and the smoke test run against it."""
