"""Listeners for interactive components (buttons, selects) in messages and the App Home."""
