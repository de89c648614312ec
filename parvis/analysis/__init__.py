"""Text analysis and checks: plain functions that return explained findings (DESIGN §4)."""
