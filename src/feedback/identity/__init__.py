"""Staff identity beyond the password: single sign-on, second factors, sign-ins under way.

Plain modules (no Flask): web/identity.py and the `feedback users` commands call them.
"""
