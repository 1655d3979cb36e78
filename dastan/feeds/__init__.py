"""Machine-readable views of the site for crawlers and readers' apps (robots.txt for now)."""
