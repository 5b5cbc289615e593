"""Listeners for modal submissions."""
