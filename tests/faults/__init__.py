"""Fault tests: the service with what it depends on failing, with real parts."""
