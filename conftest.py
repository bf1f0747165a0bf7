"""Test-wide setup: settings the suite needs before Django loads."""

import os

os.environ.setdefault("MASTHEAD_DEMO", "True")
os.environ.setdefault("MASTHEAD_VAR_DIR", os.path.join(os.path.dirname(__file__), "var", "test"))
# Allowances in tests are set per test through the policy; keep the network cap out of
# the way unless a test asks for it.
os.environ.setdefault("PAYWALL_NETWORK_DAILY_ALLOWANCE", "60")
