"""Recurring work: the schedule table (``schedule.py``), the runner, and the jobs themselves."""
