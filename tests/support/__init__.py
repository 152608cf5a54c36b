"""Test support: real local servers standing in for outside services."""
