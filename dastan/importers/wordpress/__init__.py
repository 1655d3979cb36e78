"""Import a WordPress eXtended RSS export: wxr.py (parse) -> mapping.py -> load.py."""
