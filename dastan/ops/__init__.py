"""Running the site unattended: jobs and the worker, health, metrics, logs, backups."""
