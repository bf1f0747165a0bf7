"""Newsroom management commands."""
