"""What crawlers and readers' apps read: robots.txt, head metadata and JSON-LD (feeds next)."""
